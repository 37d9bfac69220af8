import type { Db } from '../platform/db.ts';

/** Tokens after refill; every SET expression sees the row as it was before this take. */
const refilled = `least($2::float8, b.tokens + greatest(0, extract(epoch FROM now() - b.at)::float8) * $3::float8)`;

export type TakeOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets in PostgreSQL, shared by all gateway instances: `burst` tokens at most, refilled
 * at `perMinute` a minute; each take is one upsert (one round trip) that refills by the time since
 * the bucket was last touched, by the database's clock, so instances need not agree on theirs.
 * The row lock queues concurrent takes of one key, so no two instances spend the same token.
 */
export class SharedTokenBuckets {
  #takesSincePrune = 0;

  constructor(
    private readonly db: Db,
    private readonly perMinute: number,
    private readonly burst: number,
  ) {}

  async take(key: string): Promise<TakeOutcome> {
    const perSecond = this.perMinute / 60;
    const { rows } = await this.db.query<{ tokens: number; granted: boolean }>(
      `INSERT INTO rate_limit_buckets AS b (key, tokens, at, granted)
       VALUES ($1, $2::float8 - 1, now(), true)
       ON CONFLICT (key) DO UPDATE SET
         tokens = CASE WHEN ${refilled} >= 1 THEN ${refilled} - 1 ELSE ${refilled} END,
         at = greatest(b.at, now()),
         granted = ${refilled} >= 1
       RETURNING b.tokens, b.granted`,
      [key, this.burst, perSecond],
    );
    this.#pruneNowAndThen();
    const row = rows[0]!;
    if (row.granted) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - row.tokens) / perSecond)) };
  }

  /** Bounds the table: a bucket untouched long enough to be full again holds nothing worth keeping. */
  #pruneNowAndThen(): void {
    this.#takesSincePrune += 1;
    if (this.#takesSincePrune < 10_000) return;
    this.#takesSincePrune = 0;
    const fullAfterSeconds = Math.ceil((this.burst / this.perMinute) * 60) + 1;
    this.db
      .query(`DELETE FROM rate_limit_buckets WHERE at < now() - make_interval(secs => $1)`, [fullAfterSeconds])
      .catch(() => undefined); // best effort: the next prune tries again
  }
}
