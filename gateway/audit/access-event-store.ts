import type { Queryable } from '../platform/db.ts';

/** SQL for `access_events`, the append-only log of who read patient data. */

export interface AccessEventInput {
  clientId: string;
  action: string;
  letterId: string | null;
  cprHmac: string | null;
  remoteAddress: string;
  requestId: string;
}

export interface AccessEventRow {
  at: string;
  clientId: string;
  clientName: string;
  action: string;
  letterId: string | null;
  cprHmac: string | null;
  remoteAddress: string;
}

export interface AccessEventFilter {
  /** Reads naming this CPR hash, or naming a letter about that patient. */
  cprHmac?: string;
  letterId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** Writes the reads of one request in one statement. */
export async function insertAccessEvents(q: Queryable, events: readonly AccessEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const column = <K extends keyof AccessEventInput>(key: K) => events.map((event) => event[key]);
  await q.query({
    name: 'access-events-insert',
    text: `INSERT INTO access_events (client_id, action, letter_id, cpr_hmac, remote_address, request_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])`,
    values: [
      column('clientId'),
      column('action'),
      column('letterId'),
      column('cprHmac'),
      column('remoteAddress'),
      column('requestId'),
    ],
  });
}

/** Newest first; every given field narrows the answer. */
export async function selectAccessEvents(q: Queryable, filter: AccessEventFilter): Promise<AccessEventRow[]> {
  const result = await q.query<AccessEventRow>(
    `SELECT to_json(e.at) #>> '{}' AS at, e.client_id AS "clientId", c.name AS "clientName", e.action,
       e.letter_id AS "letterId", e.cpr_hmac AS "cprHmac", e.remote_address AS "remoteAddress"
     FROM access_events e JOIN api_clients c ON c.id = e.client_id
     WHERE ($1::text IS NULL OR e.cpr_hmac = $1
            OR e.letter_id IN (SELECT id FROM letters WHERE cpr_hmac = $1))
       AND ($2::uuid IS NULL OR e.letter_id = $2)
       AND ($3::timestamptz IS NULL OR e.at >= $3)
       AND ($4::timestamptz IS NULL OR e.at < $4)
     ORDER BY e.at DESC, e.id DESC
     LIMIT $5`,
    [filter.cprHmac ?? null, filter.letterId ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
  );
  return result.rows;
}
