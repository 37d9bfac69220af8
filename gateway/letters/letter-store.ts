import type { LetterStatus, Sector } from '../../schemas/categories.ts';
import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for the tables a letter lives in: letters, attachments, attachment_chunks, outbox. */

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
  createdAt: string;
  updatedAt: string;
}

export interface AttachmentRow {
  position: number;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
}

const letterColumns = `id, client_id AS "clientId", sender_sor_id AS "senderSorId", recipient_sor_id AS "recipientSorId",
  recipient_ean AS "recipientEan", sector, category, communication_id AS "communicationId", status,
  xml_template AS "xmlTemplate", envelope, key_id AS "keyId", cpr_hmac AS "cprHmac", rerouted_from AS "reroutedFrom",
  idempotency_key AS "idempotencyKey", request_hash AS "requestHash",
  to_json(created_at) #>> '{}' AS "createdAt", to_json(updated_at) #>> '{}' AS "updatedAt"`;

export type NewLetter = Omit<LetterRow, 'createdAt' | 'updatedAt' | 'status'>;

export async function insertLetter(tx: Tx, letter: NewLetter): Promise<void> {
  await tx.query(
    `INSERT INTO letters (id, client_id, sender_sor_id, recipient_sor_id, recipient_ean, sector, category,
       communication_id, status, xml_template, envelope, key_id, cpr_hmac, rerouted_from, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'accepted', $9, $10, $11, $12, $13, $14, $15)`,
    [
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
    ],
  );
}

export async function getLetter(q: Queryable, id: string): Promise<LetterRow | undefined> {
  const result = await q.query<LetterRow>(`SELECT ${letterColumns} FROM letters WHERE id = $1`, [id]);
  return result.rows[0];
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

export async function insertAttachment(tx: Tx, letterId: string, attachment: AttachmentRow): Promise<void> {
  await tx.query(
    'INSERT INTO attachments (letter_id, position, title, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5, $6)',
    [letterId, attachment.position, attachment.title, attachment.contentType, attachment.size, attachment.sha256],
  );
}

export async function insertAttachmentChunk(
  tx: Tx,
  chunk: { letterId: string; position: number; index: number; keyId: string; sealed: Buffer },
): Promise<void> {
  await tx.query(
    'INSERT INTO attachment_chunks (letter_id, position, chunk, key_id, data) VALUES ($1, $2, $3, $4, $5)',
    [chunk.letterId, chunk.position, chunk.index, chunk.keyId, chunk.sealed],
  );
}

export async function getAttachments(q: Queryable, letterId: string): Promise<AttachmentRow[]> {
  const result = await q.query<AttachmentRow & { size: string }>(
    `SELECT position, title, content_type AS "contentType", size, sha256 FROM attachments
     WHERE letter_id = $1 ORDER BY position`,
    [letterId],
  );
  return result.rows.map((row) => ({ ...row, size: Number(row.size) }));
}

/** Reads one sealed chunk at a time, so serving a large attachment never holds it whole. */
export async function* attachmentChunks(
  q: Queryable,
  letterId: string,
  position: number,
): AsyncGenerator<{ index: number; keyId: string; sealed: Buffer }> {
  for (let index = 0; ; index += 1) {
    const result = await q.query<{ key_id: string; data: Buffer }>(
      'SELECT key_id, data FROM attachment_chunks WHERE letter_id = $1 AND position = $2 AND chunk = $3',
      [letterId, position, index],
    );
    const row = result.rows[0];
    if (!row) return;
    yield { index, keyId: row.key_id, sealed: row.data };
  }
}

export async function insertOutbox(tx: Tx, letterId: string, sector: Sector, payload: object): Promise<void> {
  await tx.query('INSERT INTO outbox (letter_id, sector, payload) VALUES ($1, $2, $3)', [letterId, sector, payload]);
}

/**
 * Moves a letter to `to` only from one of `from`, so a late or repeated report never moves a
 * letter backwards. Returns whether the status changed.
 */
export async function transitionStatus(
  tx: Tx,
  letterId: string,
  from: readonly LetterStatus[],
  to: LetterStatus,
): Promise<boolean> {
  const result = await tx.query(
    'UPDATE letters SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2::text[])',
    [letterId, from, to],
  );
  return (result.rowCount ?? 0) > 0;
}
