import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentChunks,
  copyAttachmentChunksIn,
  type StoredChunk,
} from '../../gateway/attachments/attachment-store.ts';
import { inTransaction } from '../../gateway/platform/db.ts';
import { copyRowsOut } from '../../gateway/platform/pg-binary-copy.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** Chunks are only ever stored with their letter; here they are written alone, foreign keys not enforced. */
async function storeChunks(database: TestDatabase, letterId: string, position: number, sealed: Buffer[]) {
  return inTransaction(database.db, async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    async function* chunks() {
      for (const [index, bytes] of sealed.entries())
        yield { position, index, keyId: `key-${index % 2}`, sealed: bytes };
    }
    return copyAttachmentChunksIn(tx, letterId, chunks());
  });
}

/** What a reader keeps of a chunk: its bytes are only lent during the call. */
const kept = (chunk: StoredChunk) => ({ ...chunk, sealed: Buffer.from(chunk.sealed) });

describe('writing an attachment to the database and reading it back', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('returns every chunk byte for byte, in order, a few per query, with its key id', async () => {
    const letterId = randomUUID();
    // Nine chunks (more than two reads of four), of sizes around the real one and a short last one.
    const sealed = [...Array.from({ length: 8 }, () => randomBytes(768 * 1024 + 28)), randomBytes(17)];
    expect(await storeChunks(database, letterId, 3, sealed)).toBe(sealed.length);

    const read = [];
    for await (const chunk of attachmentChunks(database.db, letterId, 3, kept)) read.push(chunk);

    expect(read.map((chunk) => chunk.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(read.map((chunk) => chunk.keyId)).toEqual(sealed.map((_, i) => `key-${i % 2}`));
    read.forEach((chunk, i) => expect(chunk.sealed.equals(sealed[i]!)).toBe(true));
  });

  it('stores nothing when the chunks cannot all be written, and the connection serves the next query', async () => {
    const letterId = randomUUID();
    const twice = [randomBytes(100), randomBytes(100)];
    const write = inTransaction(database.db, async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      async function* chunks() {
        for (const sealed of twice) yield { position: 0, index: 0, keyId: 'key-0', sealed };
      }
      await copyAttachmentChunksIn(tx, letterId, chunks());
    });
    await expect(write).rejects.toMatchObject({ code: '23505' });

    const unreadable = inTransaction(database.db, async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      async function* chunks() {
        yield { position: 1, index: 0, keyId: 'key-0', sealed: randomBytes(2_000_000) };
        throw new Error('spool file unreadable');
      }
      await copyAttachmentChunksIn(tx, letterId, chunks());
    });
    await expect(unreadable).rejects.toThrow('spool file unreadable');

    const { rows } = await database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM attachment_chunks WHERE letter_id = $1',
      [letterId],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('reads nothing for an attachment without chunks, and leaves the pool usable', async () => {
    const read = [];
    for await (const chunk of attachmentChunks(database.db, randomUUID(), 0, kept)) read.push(chunk);
    expect(read).toEqual([]);
    const { rows } = await database.db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  it('refuses a letter id that is not a UUID instead of putting it into SQL', async () => {
    const read = async () => {
      for await (const _ of attachmentChunks(database.db, "x' OR true --", 0, kept)) return;
    };
    await expect(read()).rejects.toThrow(/UUID/);
  });

  it('reports a failing COPY as an error and gives its connection back', async () => {
    const before = database.db.totalCount;
    await expect(
      copyRowsOut(database.db, 'SELECT no_such_column FROM attachment_chunks', (row) => row),
    ).rejects.toMatchObject({
      code: '42703',
    });
    const rows = await copyRowsOut(database.db, "SELECT 7::int, NULL::text, '\\x00ff'::bytea", (row) =>
      row.map((value) => value && Buffer.from(value)),
    );
    expect(rows).toEqual([[Buffer.from([0, 0, 0, 7]), null, Buffer.from([0, 0xff])]]);
    expect(database.db.totalCount).toBeLessThanOrEqual(Math.max(before, 1));
    expect(database.db.idleCount).toBe(database.db.totalCount);
  });
});
