import type { Db } from '../../../gateway/platform/db.ts';

/**
 * Where the database's time goes, seen from pg_stat_activity: sampled every `everyMs`, each of
 * the benchmark database's backends counts once per sample under what it is doing — running
 * (`CPU`), waiting on a lock or I/O (`Lock/advisory`, `IO/WALSync`, …), idle inside a
 * transaction (the application's time while holding it) or idle.
 */
export class PgActivitySampler {
  readonly #counts = new Map<string, number>();
  #samples = 0;
  #maxSealingLag = 0;
  #timer: NodeJS.Timeout;
  #busy = false;

  constructor(
    private readonly db: Db,
    private readonly database: string,
    everyMs = 100,
  ) {
    this.#timer = setInterval(() => void this.#sample(), everyMs);
  }

  async #sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const result = await this.db.query<{ what: string; n: number }>(
        `SELECT CASE
                  WHEN state = 'active' AND wait_event IS NULL THEN 'CPU'
                  WHEN state = 'active' THEN wait_event_type || '/' || wait_event
                  ELSE coalesce(state, 'unknown') END AS what, count(*)::int AS n
           FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1`,
        [this.database],
      );
      this.#samples += 1;
      for (const row of result.rows) this.#counts.set(row.what, (this.#counts.get(row.what) ?? 0) + row.n);
      // How far the audit sealer is behind: the age of the first event without a seq, in the order
      // the sealer takes them. By the index's order, not min(at): that read every unsealed entry
      // and its row, 2 ms a sample under load, 2 % of a core at ten samples a second.
      const lag = await this.db.query<{ lag: number | null }>(
        `SELECT extract(epoch FROM clock_timestamp() - at)::float8 AS lag FROM audit_events
           WHERE seq IS NULL ORDER BY id LIMIT 1`,
      );
      this.#maxSealingLag = Math.max(this.#maxSealingLag, lag.rows[0]?.lag ?? 0);
    } catch {
      // A sample lost is a sample lost.
    } finally {
      this.#busy = false;
    }
  }

  /** The longest the audit sealer was behind in any sample, in seconds. */
  get maxSealingLagSeconds(): number {
    return Math.round(this.#maxSealingLag * 1000) / 1000;
  }

  /** Average number of backends in each state, busiest first. */
  stop(): Record<string, number> {
    clearInterval(this.#timer);
    const average: Record<string, number> = {};
    const sorted = [...this.#counts].sort(([, a], [, b]) => b - a);
    for (const [what, n] of sorted) average[what] = Math.round((n / Math.max(1, this.#samples)) * 100) / 100;
    return average;
  }
}

/** Pids of the database's backends, for their CPU time. */
export async function backendPids(db: Db, database: string): Promise<number[]> {
  const result = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return result.rows.map((row) => row.pid);
}
