import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for a letter's attachments: their metadata (`attachments`) and sealed bytes (`attachment_chunks`). */

export interface AttachmentRow {
  position: number;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface SealedChunk {
  letterId: string;
  position: number;
  index: number;
  keyId: string;
  sealed: Buffer;
}

export async function insertAttachment(tx: Tx, letterId: string, attachment: AttachmentRow): Promise<void> {
  await tx.query(
    'INSERT INTO attachments (letter_id, position, title, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5, $6)',
    [letterId, attachment.position, attachment.title, attachment.contentType, attachment.size, attachment.sha256],
  );
}

export async function insertAttachmentChunk(tx: Tx, chunk: SealedChunk): Promise<void> {
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

/** Removes the sealed bytes of these letters; answers how many chunks each letter lost. */
export async function deleteAttachmentChunks(tx: Tx, letterIds: string[]): Promise<Map<string, number>> {
  const result = await tx.query<{ letter_id: string; n: number }>(
    `WITH gone AS (DELETE FROM attachment_chunks WHERE letter_id = ANY ($1::uuid[]) RETURNING letter_id)
     SELECT letter_id, count(*)::int AS n FROM gone GROUP BY letter_id`,
    [letterIds],
  );
  return new Map(result.rows.map((row) => [row.letter_id, row.n]));
}

/** Chunks sealed under another key than `keyId`, locked for re-sealing; SKIP LOCKED lets rotations share the work. */
export async function claimChunksNotUnderKey(tx: Tx, keyId: string, limit: number): Promise<SealedChunk[]> {
  const result = await tx.query<{ letter_id: string; position: number; chunk: number; key_id: string; data: Buffer }>(
    `SELECT letter_id, position, chunk, key_id, data FROM attachment_chunks WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [keyId, limit],
  );
  return result.rows.map((row) => ({
    letterId: row.letter_id,
    position: row.position,
    index: row.chunk,
    keyId: row.key_id,
    sealed: row.data,
  }));
}

export async function replaceSealedChunk(tx: Tx, chunk: SealedChunk): Promise<void> {
  await tx.query(
    'UPDATE attachment_chunks SET data = $4, key_id = $5 WHERE letter_id = $1 AND position = $2 AND chunk = $3',
    [chunk.letterId, chunk.position, chunk.index, chunk.sealed, chunk.keyId],
  );
}
