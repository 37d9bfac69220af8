import type { Queryable, Tx } from '../platform/db.ts';
import { copyRowsIn } from '../platform/pg-binary-copy-in.ts';
import { copyRowsOut } from '../platform/pg-binary-copy.ts';

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

/** The INSERT of `letterId`'s attachment rows from four arrays at `$first`… (`attachmentValues`), if `where` holds; both are SQL. */
export function attachmentsInsertSql(letterId: string, first: number, where = 'true'): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO attachments (letter_id, position, title, content_type, size, sha256)
     SELECT ${letterId}, a.position, a.title, a.content_type, a.size, a.sha256
     FROM unnest(${p(0)}::smallint[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::bigint[], ${p(4)}::text[])
       AS a(position, title, content_type, size, sha256) WHERE ${where}`;
}

export function attachmentValues(attachments: readonly AttachmentRow[]): unknown[] {
  return [
    attachments.map((a) => a.position),
    attachments.map((a) => a.title),
    attachments.map((a) => a.contentType),
    attachments.map((a) => a.size),
    attachments.map((a) => a.sha256),
  ];
}

/**
 * The INSERT of `count` sealed chunks of `letterId`, four parameters each from `$first` on
 * (`chunkValues`), if `where` holds; both are SQL. Each chunk is a parameter of its own: in an
 * array, node-postgres would send the bytes hex-escaped as text, which costs more than the write.
 */
export function chunksInsertSql(letterId: string, first: number, count: number, where = 'true'): string {
  if (count === 0) return `SELECT 1 WHERE false`;
  const rows = Array.from({ length: count }, (_, i) => {
    const p = (j: number) => `$${first + i * 4 + j}`;
    return `(${p(0)}::smallint, ${p(1)}::int, ${p(2)}::text, ${p(3)}::bytea)`;
  });
  return `INSERT INTO attachment_chunks (letter_id, position, chunk, key_id, data)
     SELECT ${letterId}, c.position, c.chunk, c.key_id, c.data
     FROM (VALUES ${rows.join(', ')}) AS c(position, chunk, key_id, data) WHERE ${where}`;
}

export function chunkValues(chunks: ReadonlyArray<Omit<SealedChunk, 'letterId'>>): unknown[] {
  return chunks.flatMap((c) => [c.position, c.index, c.keyId, c.sealed]);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const int16 = (n: number) => {
  const bytes = Buffer.allocUnsafe(2);
  bytes.writeInt16BE(n);
  return bytes;
};
const int32 = (n: number) => {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeInt32BE(n);
  return bytes;
};

/**
 * The sealed chunks of one letter by binary COPY, as they come (a large letter's, from its spool):
 * their bytes go to the connection as they are, where an INSERT's parameters would be copied
 * into buffers several times their size. Answers how many chunks were written.
 */
export async function copyAttachmentChunksIn(
  tx: Tx,
  letterId: string,
  chunks: AsyncIterable<Omit<SealedChunk, 'letterId'>>,
): Promise<number> {
  if (!uuidPattern.test(letterId)) throw new Error('a letter id is a UUID');
  const id = Buffer.from(letterId.replaceAll('-', ''), 'hex');
  async function* rows() {
    for await (const chunk of chunks) {
      yield [id, int16(chunk.position), int32(chunk.index), Buffer.from(chunk.keyId, 'utf8'), chunk.sealed];
    }
  }
  return copyRowsIn(tx, 'COPY attachment_chunks (letter_id, position, chunk, key_id, data)', rows());
}

export async function getAttachments(q: Queryable, letterId: string): Promise<AttachmentRow[]> {
  const result = await q.query<AttachmentRow & { size: string }>(
    `SELECT position, title, content_type AS "contentType", size, sha256 FROM attachments
     WHERE letter_id = $1 ORDER BY position`,
    [letterId],
  );
  return result.rows.map((row) => ({ ...row, size: Number(row.size) }));
}

/** The SELECT of up to `limit` chunks from `from` on, as literals (COPY takes no parameters). */
function chunksSelectSql(letterId: string, position: number, from: number, limit: number): string {
  if (!uuidPattern.test(letterId)) throw new Error('a letter id is a UUID');
  for (const n of [position, from, limit]) if (!Number.isSafeInteger(n) || n < 0) throw new Error('not a count');
  return `SELECT chunk, key_id, data FROM attachment_chunks
    WHERE letter_id = '${letterId}' AND position = ${position} AND chunk >= ${from} ORDER BY chunk LIMIT ${limit}`;
}

/** A stored chunk as `attachmentChunks` shows it: `sealed` is valid only during the call it is passed to. */
export interface StoredChunk {
  index: number;
  keyId: string;
  sealed: Buffer;
}

/**
 * Reads the sealed chunks a few at a time (at most `perQuery`, about 3 MiB), so serving a large
 * attachment never holds it whole and a small one costs one query. The bytes come by binary COPY,
 * not as hex text; `take` sees each chunk as it arrives and what it returns is yielded (opening
 * the chunk there spares a copy of its sealed bytes).
 */
export async function* attachmentChunks<T>(
  q: Queryable,
  letterId: string,
  position: number,
  take: (chunk: StoredChunk) => T,
  perQuery = 4,
): AsyncGenerator<T> {
  for (let from = 0; ;) {
    let expected = from;
    let gap = false;
    const taken = await copyRowsOut(q, chunksSelectSql(letterId, position, from, perQuery), ([chunk, keyId, data]) => {
      // The chunks of an attachment are numbered from 0 without gaps; a gap ends it as before.
      gap ||= chunk!.readInt32BE(0) !== expected;
      if (gap) return undefined;
      expected += 1;
      return { value: take({ index: expected - 1, keyId: keyId!.toString('utf8'), sealed: data! }) };
    });
    for (const row of taken) {
      if (row === undefined) return;
      yield row.value;
      from += 1;
    }
    if (taken.length < perQuery) return;
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
