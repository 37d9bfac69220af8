import type pg from 'pg';
import type { Queryable } from './db.ts';

/** One row of a binary COPY: each column's bytes, or null for NULL. */
export type CopyRow = readonly (Buffer | null)[];

/**
 * `COPY (SELECT …) TO STDOUT (FORMAT binary)`, each row handed to `take` as it arrives, and
 * what `take` returns collected. node-postgres reads every result column as UTF-8 text, so a
 * `bytea` column crosses the wire hex-encoded (twice its size) and is decoded from a string of
 * that size; in a binary COPY the bytes arrive as they are stored. The buffers `take` sees are
 * views into the connection's read buffer, valid only while it runs: it copies or transforms
 * what it keeps. COPY takes no parameters: callers build `select` from literals they have checked.
 */
export async function copyRowsOut<T>(q: Queryable, select: string, take: (row: CopyRow) => T): Promise<T[]> {
  const pooled = !('release' in q);
  const client = pooled ? await (q as pg.Pool).connect() : (q as pg.PoolClient);
  const copy = new BinaryCopyOut(`COPY (${select}) TO STDOUT WITH (FORMAT binary)`, take);
  let broken: Error | undefined;
  try {
    client.query(copy);
    return await copy.done;
  } catch (error) {
    // A database error, or one of `take`, leaves the connection usable; a lost connection does not.
    const databaseError = error instanceof Error && 'severity' in error;
    if (!databaseError && !copy.readyAgain) broken = error as Error;
    throw error;
  } finally {
    if (pooled) (client as pg.PoolClient).release(broken);
  }
}

/** The first bytes of every binary COPY stream. */
export const copySignature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const headerBytes = copySignature.length + 8;

/** The Submittable node-postgres hands a simple-protocol query's messages to. */
export class BinaryCopyOut<T> implements pg.Submittable {
  readonly #rows: T[] = [];
  /** Bytes of a row (or the header) that a message ended inside of, copied, and how many there must be at least. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #needed = 0;
  #headerSeen = false;
  #ended = false;
  /** Whether the server said it is ready for the next query (the COPY is over, whatever its outcome). */
  readyAgain = false;
  #error: Error | undefined;
  #resolve!: (rows: T[]) => void;
  #reject!: (error: Error) => void;
  readonly done = new Promise<T[]>((resolve, reject) => {
    this.#resolve = resolve;
    this.#reject = reject;
  });

  constructor(
    readonly text: string,
    private readonly take: (row: CopyRow) => T,
  ) {}

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  /** PostgreSQL sends a row a message, but the format allows any split: a partial row waits for the rest. */
  handleCopyData(message: { chunk: Buffer }): void {
    if (this.#error || this.#ended) return;
    if (this.#pending.length > 0) {
      // A copy: the protocol parser reuses its buffer for later messages.
      this.#pending.push(Buffer.from(message.chunk));
      this.#pendingBytes += message.chunk.length;
      if (this.#pendingBytes < this.#needed) return;
    }
    const data = this.#pending.length > 0 ? Buffer.concat(this.#pending, this.#pendingBytes) : message.chunk;
    this.#pending = [];
    this.#pendingBytes = 0;
    try {
      const used = this.#parse(data);
      if (used < data.length) {
        this.#pending = [Buffer.from(data.subarray(used))];
        this.#pendingBytes = data.length - used;
      }
    } catch (error) {
      this.#error = error as Error;
    }
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    this.#error = error;
    this.#reject(error);
  }

  handleReadyForQuery(): void {
    this.readyAgain = true;
    if (this.#error) this.#reject(this.#error);
    else if (!this.#ended) this.#reject(new Error('binary COPY stream cut short'));
    else this.#resolve(this.#rows);
  }

  /** Takes every whole row in `data`; answers how many bytes it used. */
  #parse(data: Buffer): number {
    let offset = 0;
    if (!this.#headerSeen) {
      if (data.length < headerBytes) return this.#wait(headerBytes);
      if (!data.subarray(0, copySignature.length).equals(copySignature)) throw new Error('not a binary COPY stream');
      const extension = data.readUInt32BE(headerBytes - 4);
      if (data.length < headerBytes + extension) return this.#wait(headerBytes + extension);
      offset = headerBytes + extension;
      this.#headerSeen = true;
    }
    for (;;) {
      const row = readRow(data, offset);
      if ('needed' in row) {
        this.#needed = row.needed - offset;
        return offset;
      }
      offset = row.end;
      if (row.columns === undefined) {
        this.#ended = true;
        return offset;
      }
      this.#rows.push(this.take(row.columns));
    }
  }

  #wait(bytes: number): number {
    this.#needed = bytes;
    return 0;
  }
}

/**
 * The row at `offset` (`columns` undefined for the trailer), or, if `data` ends inside it, how
 * long `data` must at least be to get further.
 */
function readRow(data: Buffer, offset: number): { columns?: CopyRow; end: number } | { needed: number } {
  if (offset + 2 > data.length) return { needed: offset + 2 };
  const count = data.readInt16BE(offset);
  let at = offset + 2;
  if (count === -1) return { end: at };
  const columns: (Buffer | null)[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 4 > data.length) return { needed: at + 4 };
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0) {
      columns.push(null);
      continue;
    }
    if (at + length > data.length) return { needed: at + length };
    columns.push(data.subarray(at, at + length));
    at += length;
  }
  return { columns, end: at };
}
