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

/**
 * Records one attempt in the letter's current delivery round (a replayed dead letter starts a new
 * round with attempt 1 again); false when it was recorded before (a receipt redelivered by the
 * broker) or the letter is unknown.
 */
export async function insertDeliveryAttempt(
  tx: Tx,
  letterId: string,
  attempt: Omit<DeliveryAttempt, 'round'>,
): Promise<boolean> {
  const result = await tx.query({
    name: 'delivery-attempt-insert',
    text: `INSERT INTO delivery_attempts (letter_id, round, attempt, endpoint, outcome, http_status, duration_ms, error, at)
     SELECT l.id, l.delivery_round, $2, $3, $4, $5, $6, $7, $8 FROM letters l WHERE l.id = $1
     ON CONFLICT (letter_id, round, attempt, outcome) DO NOTHING`,
    values: [
      letterId,
      attempt.attempt,
      attempt.endpoint,
      attempt.outcome,
      attempt.httpStatus,
      attempt.durationMs,
      attempt.error,
      attempt.at,
    ],
  });
  return (result.rowCount ?? 0) > 0;
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
