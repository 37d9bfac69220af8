import type { Queryable } from '../platform/db.ts';

/**
 * SQL for `audit_events`, the hash-chained trail: appending unsealed events, sealing them into the
 * chain, reading by letter or filter, and the verifier's scan.
 */

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

/** An event as written inside the transaction of the change it records, before the sealer chains it. */
export interface UnsealedEvent {
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  letterId: string | null;
  sorId: string | null;
  details: Record<string, unknown>;
}

/**
 * The INSERT of unsealed events in their order, taking its seven arrays from parameters
 * `$first`…`$first+6` (`unsealedEventValues`), only if the SQL condition `where` holds: also a
 * part of larger statements that store a change and its events in one round trip. No lock is taken; the sealer chains them later.
 */
export function unsealedEventsInsertSql(first: number, where = 'true'): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO audit_events (at, actor_id, actor_name, action, letter_id, sor_id, details)
     SELECT at, actor_id, actor_name, action, letter_id, sor_id, details
     FROM unnest(${p(0)}::timestamptz[], ${p(1)}::uuid[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::uuid[], ${p(5)}::text[], ${p(6)}::jsonb[])
       WITH ORDINALITY AS e(at, actor_id, actor_name, action, letter_id, sor_id, details, n)
     WHERE ${where} ORDER BY n`;
}

export function unsealedEventValues(events: readonly UnsealedEvent[]): unknown[] {
  const column = <K extends keyof UnsealedEvent>(key: K) => events.map((event) => event[key]);
  return [
    column('at'),
    column('actorId'),
    column('actorName'),
    column('action'),
    column('letterId'),
    column('sorId'),
    events.map((event) => JSON.stringify(event.details)),
  ];
}

/** Writes events unsealed, in one statement, in their order. */
export async function insertUnsealedEvents(q: Queryable, events: readonly UnsealedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await q.query({
    name: 'audit-insert-unsealed',
    text: unsealedEventsInsertSql(1),
    values: unsealedEventValues(events),
  });
}

/**
 * The oldest unsealed events, in the order they were written and as the verifier will read them
 * back, with the chain's end as of the same snapshot: everything a sealer needs, in one query.
 */
export async function unsealedBatch(
  q: Queryable,
  limit: number,
): Promise<{ end: { seq: number; hash: string } | undefined; events: Array<UnsealedEvent & { id: string }> }> {
  const result = await q.query<UnsealedEvent & { id: string; endSeq: string | null; endHash: string | null }>({
    name: 'audit-unsealed-batch',
    text: `WITH chain_end AS (SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1)
     SELECT p.*, chain_end.seq AS "endSeq", chain_end.hash AS "endHash"
     FROM (SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor_id AS "actorId",
             actor_name AS "actorName", action, letter_id AS "letterId", sor_id AS "sorId", details
           FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT $1) p
     LEFT JOIN chain_end ON true ORDER BY p.id`,
    values: [limit],
  });
  const first = result.rows[0];
  const end = first?.endSeq ? { seq: Number(first.endSeq), hash: first.endHash! } : undefined;
  return { end, events: result.rows.map(({ endSeq: _s, endHash: _h, ...event }) => event) };
}

/**
 * Gives events their place in the chain, in one statement; an event another sealer has sealed
 * meanwhile is left as it is. Answers how many were sealed; throws a unique violation when
 * another sealer took one of these sequence numbers for other events.
 */
export async function sealEvents(
  q: Queryable,
  seals: ReadonlyArray<{ id: string; seq: number; prevHash: string; hash: string }>,
): Promise<number> {
  const result = await q.query({
    name: 'audit-seal',
    text: `UPDATE audit_events AS e SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
     FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[]) AS s(id, seq, prev_hash, hash)
     WHERE e.id = s.id AND e.seq IS NULL`,
    values: [
      seals.map((seal) => seal.id),
      seals.map((seal) => seal.seq),
      seals.map((seal) => seal.prevHash),
      seals.map((seal) => seal.hash),
    ],
  });
  return result.rowCount ?? 0;
}

/** Seconds since the oldest unsealed event was written (0 when all are sealed), and how many wait. */
export async function unsealedBacklog(q: Queryable): Promise<{ lagSeconds: number; count: number }> {
  const result = await q.query<{ lag: number | null; n: number }>(
    `SELECT extract(epoch FROM clock_timestamp() - min(at))::float8 AS lag, count(*)::int AS n
     FROM audit_events WHERE seq IS NULL`,
  );
  const row = result.rows[0]!;
  return { lagSeconds: Math.max(0, row.lag ?? 0), count: row.n };
}

export async function letterEvents(q: Queryable, letterId: string): Promise<AuditEvent[]> {
  const result = await q.query<AuditRow>(
    'SELECT * FROM audit_events WHERE letter_id = $1 AND seq IS NOT NULL ORDER BY seq',
    [letterId],
  );
  return result.rows.map(toAuditEvent);
}

/** The warnings acknowledged when a letter was accepted, in their order; sealed or not (they commit with the letter). */
export async function acknowledgedWarningsOf(
  q: Queryable,
  letterId: string,
): Promise<Array<{ code: string; message: string }>> {
  const result = await q.query<{ code: string; message: string }>(
    `SELECT details->>'code' AS code, details->>'message' AS message FROM audit_events
     WHERE letter_id = $1 AND action = 'warning-acknowledged' ORDER BY id NULLS FIRST, seq`,
    [letterId],
  );
  return result.rows;
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
  // Only sealed events are part of the trail; readers seal what is pending first (audit-sealer.ts).
  const conditions: string[] = ['seq IS NOT NULL'];
  if (filter.letterIds) conditions.push(`letter_id = ANY (${param(filter.letterIds)}::uuid[])`);
  if (filter.sorId) conditions.push(`sor_id = ${param(filter.sorId)}`);
  if (filter.actions) conditions.push(`action = ANY (${param(filter.actions)}::text[])`);
  if (filter.from) conditions.push(`at >= ${param(filter.from)}`);
  if (filter.to) conditions.push(`at < ${param(filter.to)}`);
  if (page.cursor !== undefined) conditions.push(`seq ${page.order === 'asc' ? '>' : '<'} ${param(page.cursor)}`);
  return { sql: `WHERE ${conditions.join(' AND ')}`, values };
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
