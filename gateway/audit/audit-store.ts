import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for `audit_events`, the hash-chained trail: appending, reading by letter or filter, and the verifier's scan. */

export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  letterId: string | null;
  sorId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  action: string;
  letter_id: string | null;
  sor_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    letterId: row.letter_id,
    sorId: row.sor_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// One lock for the whole trail: the chain is a single sequence, so writers take turns for the
// few microseconds between reading the last hash and committing.
const chainLockKey = 0x706f7374627564; // "postbud"

/** Takes the chain's lock until the transaction ends, then reads the chain's end. */
export async function lockChainEnd(tx: Tx): Promise<{ seq: number; hash: string } | undefined> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [chainLockKey]);
  const last = await tx.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
  );
  const row = last.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function insertAuditEvent(tx: Tx, event: AuditEvent): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (seq, at, actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      event.seq,
      event.at,
      event.actorId,
      event.actorName,
      event.action,
      event.letterId,
      event.sorId,
      event.details,
      event.prevHash,
      event.hash,
    ],
  );
}

export async function letterEvents(q: Queryable, letterId: string): Promise<AuditEvent[]> {
  const result = await q.query<AuditRow>('SELECT * FROM audit_events WHERE letter_id = $1 ORDER BY seq', [letterId]);
  return result.rows.map(toAuditEvent);
}

/** What the trail can be narrowed by; every field narrows the answer (AND). */
export interface AuditEventConditions {
  /** Events of one letter, or of any of these letters. */
  letterIds?: readonly string[];
  sorId?: string;
  actions?: readonly string[];
  from?: Date;
  to?: Date;
}

export interface AuditPage {
  order: 'asc' | 'desc';
  /** Continue after this `seq` (exclusive), in `order`. */
  cursor?: number;
  limit: number;
}

function whereClause(filter: AuditEventConditions, page: Pick<AuditPage, 'order' | 'cursor'>) {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  if (filter.letterIds) conditions.push(`letter_id = ANY (${param(filter.letterIds)}::uuid[])`);
  if (filter.sorId) conditions.push(`sor_id = ${param(filter.sorId)}`);
  if (filter.actions) conditions.push(`action = ANY (${param(filter.actions)}::text[])`);
  if (filter.from) conditions.push(`at >= ${param(filter.from)}`);
  if (filter.to) conditions.push(`at < ${param(filter.to)}`);
  if (page.cursor !== undefined) conditions.push(`seq ${page.order === 'asc' ? '>' : '<'} ${param(page.cursor)}`);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/** One page of events and whether more follow. */
export async function auditEventsPage(
  q: Queryable,
  filter: AuditEventConditions,
  page: AuditPage,
): Promise<{ events: AuditEvent[]; more: boolean }> {
  const where = whereClause(filter, page);
  const result = await q.query<AuditRow>(
    `SELECT * FROM audit_events ${where.sql} ORDER BY seq ${page.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${page.limit + 1}`,
    where.values,
  );
  return { events: result.rows.slice(0, page.limit).map(toAuditEvent), more: result.rows.length > page.limit };
}

/** The last `seq` of the trail, or the first at/after or last before a time. */
export async function seqBound(
  q: Queryable,
  bound?: { atOrAfter: Date } | { before: Date },
): Promise<number | undefined> {
  const found =
    bound === undefined
      ? await q.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit_events')
      : 'atOrAfter' in bound
        ? await q.query<{ seq: string | null }>('SELECT min(seq) AS seq FROM audit_events WHERE at >= $1', [
            bound.atOrAfter,
          ])
        : await q.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit_events WHERE at < $1', [
            bound.before,
          ]);
  const seq = found.rows[0]?.seq;
  return seq === null || seq === undefined ? undefined : Number(seq);
}

export async function hashAt(q: Queryable, seq: number): Promise<string | undefined> {
  const result = await q.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [seq]);
  return result.rows[0]?.hash;
}

/** An event as the verifier reads it: a row array, `at` as the ISO text the writer hashed. */
export type EventTuple = [
  string,
  string,
  string | null,
  string,
  string,
  string | null,
  string | null,
  Record<string, unknown>,
  string,
  string,
];

// `at` is read back as the ISO text the writer hashed (millisecond precision, UTC), and the
// array row mode skips building one object per row: together they halve the read cost.
const eventColumns = `seq::int8, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash`;

export async function eventTuples(q: Queryable, fromSeq: number, toSeq: number, limit: number): Promise<EventTuple[]> {
  const result = await q.query<EventTuple>({
    text: `SELECT ${eventColumns} FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
    values: [fromSeq, toSeq, limit],
    rowMode: 'array',
  });
  return result.rows;
}

/** Letters forwarded from any of `letterIds`, as their `forwarded` events record them, oldest first. */
export async function forwardsOf(
  q: Queryable,
  letterIds: readonly string[],
): Promise<Array<{ letterId: string; previousLetterId: string }>> {
  const result = await q.query<{ letterId: string; previousLetterId: string }>(
    `SELECT letter_id AS "letterId", details ->> 'previousLetterId' AS "previousLetterId" FROM audit_events
      WHERE action = 'forwarded' AND details ->> 'previousLetterId' = ANY ($1::text[]) ORDER BY seq`,
    [letterIds],
  );
  return result.rows;
}
