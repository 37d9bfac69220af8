import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for `delivery_attempts`: each try an adapter reported, by delivery round and attempt. */

export interface DeliveryAttempt {
  round: number;
  attempt: number;
  endpoint: string;
  outcome: string;
  httpStatus: number | null;
  durationMs: number | null;
  error: string | null;
  /** As PostgreSQL writes a timestamptz in JSON (microseconds, offset). */
  at: string;
}

const attemptColumns = (d: string) => `${d}.round, ${d}.attempt, ${d}.endpoint, ${d}.outcome,
  ${d}.http_status AS "httpStatus", ${d}.duration_ms AS "durationMs", ${d}.error, to_json(${d}.at) #>> '{}' AS at`;

/** One attempt as an adapter reported it, for `insertDeliveryAttempts`. */
export type ReportedAttempt = Omit<DeliveryAttempt, 'round'> & { letterId: string };

/** The key `insertDeliveryAttempts` answers an attempt by: what makes a report a repeat. */
export const attemptKey = (attempt: Pick<ReportedAttempt, 'letterId' | 'attempt' | 'outcome'>): string =>
  `${attempt.letterId} ${attempt.attempt} ${attempt.outcome}`;

/**
 * Records attempts, each in its letter's current delivery round (a replayed dead letter starts a
 * new round with attempt 1 again), in one statement; answers the `attemptKey`s recorded now. One
 * recorded before (a receipt redelivered by the broker) or of an unknown letter is not. Rows go in
 * key order, so two batches holding the same repeated report never wait for each other in a cycle.
 */
export async function insertDeliveryAttempts(tx: Tx, attempts: readonly ReportedAttempt[]): Promise<Set<string>> {
  if (attempts.length === 0) return new Set();
  const column = <K extends keyof ReportedAttempt>(key: K) => attempts.map((attempt) => attempt[key] ?? null);
  const result = await tx.query<{ letterId: string; attempt: number; outcome: string }>({
    name: 'delivery-attempts-insert',
    text: `INSERT INTO delivery_attempts (letter_id, round, attempt, endpoint, outcome, http_status, duration_ms, error, at)
     SELECT l.id, l.delivery_round, a.attempt, a.endpoint, a.outcome, a.http_status, a.duration_ms, a.error, a.at
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::timestamptz[])
       AS a(letter_id, attempt, endpoint, outcome, http_status, duration_ms, error, at)
     JOIN letters l ON l.id = a.letter_id
     ORDER BY a.letter_id, a.attempt, a.outcome
     ON CONFLICT (letter_id, round, attempt, outcome) DO NOTHING
     RETURNING letter_id AS "letterId", attempt, outcome`,
    values: [
      column('letterId'),
      column('attempt'),
      column('endpoint'),
      column('outcome'),
      column('httpStatus'),
      column('durationMs'),
      column('error'),
      column('at'),
    ],
  });
  return new Set(result.rows.map(attemptKey));
}

export async function deliveryAttemptsOf(q: Queryable, letterId: string): Promise<DeliveryAttempt[]> {
  const result = await q.query<DeliveryAttempt>(
    `SELECT ${attemptColumns('d')} FROM delivery_attempts d WHERE d.letter_id = $1 ORDER BY d.attempt, d.id`,
    [letterId],
  );
  return result.rows;
}

/** For each letter, the number of attempts in its current round and its latest attempt of any round. */
export async function latestAttempts(
  q: Queryable,
  letters: ReadonlyArray<{ id: string; deliveryRound: number }>,
): Promise<Map<string, { attempts: number; last: DeliveryAttempt | undefined }>> {
  if (letters.length === 0) return new Map();
  const result = await q.query<DeliveryAttempt & { letterId: string; attemptsInRound: number | null }>(
    `SELECT l.id AS "letterId",
       (SELECT max(d.attempt) FROM delivery_attempts d WHERE d.letter_id = l.id AND d.round = l.round)::int AS "attemptsInRound",
       last.round, last.attempt, last.endpoint, last.outcome, last."httpStatus", last."durationMs", last.error, last.at
     FROM unnest($1::uuid[], $2::int[]) AS l(id, round)
     LEFT JOIN LATERAL (
       SELECT ${attemptColumns('d')} FROM delivery_attempts d
       WHERE d.letter_id = l.id ORDER BY d.round DESC, d.attempt DESC, d.id DESC LIMIT 1
     ) last ON true`,
    [letters.map((letter) => letter.id), letters.map((letter) => letter.deliveryRound)],
  );
  return new Map(
    result.rows.map(({ letterId, attemptsInRound, ...last }) => [
      letterId,
      { attempts: attemptsInRound ?? 0, last: last.attempt === null ? undefined : last },
    ]),
  );
}
