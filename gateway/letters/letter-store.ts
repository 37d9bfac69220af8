import type { LetterStatus, Sector } from '../../schemas/categories.ts';
import type { Queryable, Tx } from '../platform/db.ts';
import { unsealedEventValues, unsealedEventsInsertSql, type UnsealedEvent } from '../audit/audit-store.ts';

/** SQL for the `letters` table: one row per letter, its routing, status and sealed content. */

export interface LetterRow {
  id: string;
  clientId: string;
  senderSorId: string;
  recipientSorId: string;
  recipientEan: string;
  sector: Sector;
  category: string;
  communicationId: string;
  status: LetterStatus;
  xmlTemplate: Buffer;
  envelope: Buffer;
  keyId: string;
  cprHmac: string;
  reroutedFrom: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  deliveryRound: number;
  createdAt: string;
  updatedAt: string;
  purgedAt: string | null;
}

const summaryColumns = `id, client_id AS "clientId", sender_sor_id AS "senderSorId", recipient_sor_id AS "recipientSorId",
  recipient_ean AS "recipientEan", sector, category, communication_id AS "communicationId", status,
  key_id AS "keyId", cpr_hmac AS "cprHmac", rerouted_from AS "reroutedFrom",
  idempotency_key AS "idempotencyKey", request_hash AS "requestHash", delivery_round AS "deliveryRound",
  to_json(created_at) #>> '{}' AS "createdAt", to_json(updated_at) #>> '{}' AS "updatedAt",
  to_json(purged_at) #>> '{}' AS "purgedAt"`;
const letterColumns = `${summaryColumns}, xml_template AS "xmlTemplate", envelope`;

/** A letter without its sealed content, for lists and reports. */
export type LetterSummary = Omit<LetterRow, 'xmlTemplate' | 'envelope'>;

export type NewLetter = Omit<LetterRow, 'createdAt' | 'updatedAt' | 'purgedAt' | 'status' | 'deliveryRound'>;

/** The columns a new letter is written with, in the order of `newLetterValues`; its status is `accepted`. */
export const newLetterColumns = `id, client_id, sender_sor_id, recipient_sor_id, recipient_ean, sector, category,
  communication_id, xml_template, envelope, key_id, cpr_hmac, rerouted_from, idempotency_key, request_hash`;

export function newLetterValues(letter: NewLetter): unknown[] {
  return [
    letter.id,
    letter.clientId,
    letter.senderSorId,
    letter.recipientSorId,
    letter.recipientEan,
    letter.sector,
    letter.category,
    letter.communicationId,
    letter.xmlTemplate,
    letter.envelope,
    letter.keyId,
    letter.cprHmac,
    letter.reroutedFrom,
    letter.idempotencyKey,
    letter.requestHash,
  ];
}

export async function getLetter(q: Queryable, id: string): Promise<LetterRow | undefined> {
  const result = await q.query<LetterRow>(`SELECT ${letterColumns} FROM letters WHERE id = $1`, [id]);
  return result.rows[0];
}

/** The letter, locked until the transaction ends: its status changes wait for this one. */
export async function getLetterForUpdate(tx: Tx, id: string): Promise<LetterRow | undefined> {
  const result = await tx.query<LetterRow>(`SELECT ${letterColumns} FROM letters WHERE id = $1 FOR UPDATE`, [id]);
  return result.rows[0];
}

/** Locks the letters until the transaction ends, in id order so two lockers never deadlock. */
export async function lockLetters(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx.query('SELECT 1 FROM letters WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
}

export async function findLetterByIdempotencyKey(
  q: Queryable,
  clientId: string,
  key: string,
): Promise<LetterRow | undefined> {
  const result = await q.query<LetterRow>(
    `SELECT ${letterColumns} FROM letters WHERE client_id = $1 AND idempotency_key = $2`,
    [clientId, key],
  );
  return result.rows[0];
}

/**
 * Moves each of the letters to `to` only from one of `from`, so a late or repeated report never
 * moves a letter backwards, and writes the events of the letters that moved, in one statement.
 * `events` name their letter; an event whose letter did not move is not written. Answers the ids moved.
 */
export async function transitionStatuses(
  tx: Tx,
  letterIds: readonly string[],
  from: readonly LetterStatus[],
  to: LetterStatus,
  events: readonly UnsealedEvent[],
): Promise<Set<string>> {
  const result = await tx.query<{ id: string }>({
    name: 'letters-transition',
    text: `WITH moved AS (
         UPDATE letters SET status = $3, updated_at = now(), failed_at = CASE WHEN $3 = 'failed' THEN now() END
         WHERE id = ANY ($1::uuid[]) AND status = ANY ($2::text[])
         RETURNING id
       ),
       recorded AS (${unsealedEventsInsertSql(4, 'e.letter_id IN (SELECT id FROM moved)')})
     SELECT id FROM moved`,
    values: [letterIds, from, to, ...unsealedEventValues(events)],
  });
  return new Set(result.rows.map((row) => row.id));
}

export async function setDeliveryRound(tx: Tx, letterId: string, round: number): Promise<void> {
  await tx.query('UPDATE letters SET delivery_round = $2 WHERE id = $1', [letterId, round]);
}

/**
 * Whether this sender organisation has written to this mailbox before: 0 or 1. Only the first
 * letter matters to the guards, and counting every earlier one grew with each letter of a pair.
 */
export async function earlierLettersBetween(
  q: Queryable,
  senderSorId: string,
  recipientSorId: string,
): Promise<number> {
  const result = await q.query<{ n: number }>({
    name: 'letters-earlier-between',
    text: 'SELECT count(*)::int AS n FROM (SELECT 1 FROM letters WHERE sender_sor_id = $1 AND recipient_sor_id = $2 LIMIT 1) l',
    values: [senderSorId, recipientSorId],
  });
  return result.rows[0]?.n ?? 0;
}

export async function getLetters(q: Queryable, ids: readonly string[]): Promise<Map<string, LetterSummary>> {
  if (ids.length === 0) return new Map();
  const result = await q.query<LetterSummary>(`SELECT ${summaryColumns} FROM letters WHERE id = ANY ($1::uuid[])`, [
    ids,
  ]);
  return new Map(result.rows.map((row) => [row.id, row]));
}

/** Ids of the letters matching every given field; the CPR is matched by its keyed hash only. */
export async function letterIdsWhere(
  q: Queryable,
  filter: { senderSorId?: string; recipientSorId?: string; cprHmac?: string },
): Promise<string[]> {
  const result = await q.query<{ id: string }>(
    `SELECT id FROM letters WHERE ($1::text IS NULL OR sender_sor_id = $1) AND ($2::text IS NULL OR recipient_sor_id = $2)
       AND ($3::text IS NULL OR cpr_hmac = $3)`,
    [filter.senderSorId ?? null, filter.recipientSorId ?? null, filter.cprHmac ?? null],
  );
  return result.rows.map((row) => row.id);
}

/** For each letter, the letters made from it by a reroute, oldest first. */
export async function lettersReroutedFrom(q: Queryable, ids: readonly string[]): Promise<Map<string, string[]>> {
  const result = await q.query<{ id: string; rerouted_from: string }>(
    'SELECT id, rerouted_from FROM letters WHERE rerouted_from = ANY ($1::uuid[]) ORDER BY created_at, id',
    [ids],
  );
  const found = new Map<string, string[]>();
  for (const row of result.rows) found.set(row.rerouted_from, [...(found.get(row.rerouted_from) ?? []), row.id]);
  return found;
}

/** Failed letters, newest failure first, after the keyset `(failedAt, id)` when given. */
export async function failedLetters(
  q: Queryable,
  options: { sector?: Sector | undefined; after?: [string, string] | undefined; limit: number },
): Promise<Array<LetterSummary & { failedAt: string }>> {
  const [afterAt, afterId] = options.after ?? [null, null];
  // `failed_at` is set exactly while a letter is failed (transitionStatuses), so its index finds them.
  const result = await q.query<LetterSummary & { failedAt: string }>(
    `SELECT ${summaryColumns}, to_json(failed_at) #>> '{}' AS "failedAt" FROM letters
     WHERE failed_at IS NOT NULL AND status = 'failed' AND ($1::text IS NULL OR sector = $1)
       AND ($2::timestamptz IS NULL OR (failed_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY failed_at DESC, id DESC LIMIT $4`,
    [options.sector ?? null, afterAt, afterId, options.limit],
  );
  return result.rows;
}

// Letters still on their way (accepted, queued) keep their content: an adapter may yet fetch it.
const dueForPurge = `FROM letters WHERE purged_at IS NULL AND created_at < $1 AND status NOT IN ('accepted', 'queued')`;

export async function countDueForPurge(q: Queryable, cutoff: Date): Promise<number> {
  const result = await q.query<{ n: number }>(`SELECT count(*)::int AS n ${dueForPurge}`, [cutoff]);
  return result.rows[0]!.n;
}

/** Letters due for purging, locked; SKIP LOCKED: two purges at once split the work. */
export async function claimDueForPurge(
  tx: Tx,
  cutoff: Date,
  limit: number,
): Promise<Array<{ id: string; recipientSorId: string }>> {
  const result = await tx.query<{ id: string; recipientSorId: string }>(
    `SELECT id, recipient_sor_id AS "recipientSorId" ${dueForPurge} ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoff, limit],
  );
  return result.rows;
}

/** Empties the sealed content; empty rather than NULL, so the columns stay NOT NULL for live letters. */
export async function markPurged(tx: Tx, ids: string[]): Promise<void> {
  await tx.query(
    `UPDATE letters SET xml_template = '\\x', envelope = '\\x', purged_at = now() WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
}

/** Letters sealed under another key than `keyId`, locked for re-sealing (purged ones hold nothing). */
export async function claimLettersNotUnderKey(
  tx: Tx,
  keyId: string,
  limit: number,
): Promise<Array<Pick<LetterRow, 'id' | 'keyId' | 'xmlTemplate' | 'envelope'>>> {
  const result = await tx.query<Pick<LetterRow, 'id' | 'keyId' | 'xmlTemplate' | 'envelope'>>(
    `SELECT id, key_id AS "keyId", xml_template AS "xmlTemplate", envelope FROM letters
     WHERE key_id <> $1 AND purged_at IS NULL LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [keyId, limit],
  );
  return result.rows;
}

export async function replaceSealedContent(
  tx: Tx,
  letter: Pick<LetterRow, 'id' | 'keyId' | 'xmlTemplate' | 'envelope'>,
): Promise<void> {
  await tx.query('UPDATE letters SET xml_template = $2, envelope = $3, key_id = $4 WHERE id = $1', [
    letter.id,
    letter.xmlTemplate,
    letter.envelope,
    letter.keyId,
  ]);
}

/** The letters of one thread (one Communication.identifier), oldest first. */
export async function lettersInThread(q: Queryable, communicationId: string): Promise<LetterRow[]> {
  const result = await q.query<LetterRow>(
    `SELECT ${letterColumns} FROM letters WHERE communication_id = $1 ORDER BY created_at, id`,
    [communicationId],
  );
  return result.rows;
}
