import type pg from 'pg';
import { copySignature, type CopyRow } from './pg-binary-copy.ts';

/**
 * `COPY table (columns) FROM STDIN (FORMAT binary)` of `rows`, each a list of its column values
 * in PostgreSQL's binary form. Large values are written to the socket as they are: node-postgres
 * would copy each parameter of an INSERT twice into buffers it grows as it goes, which allocates
 * about four times the bytes of a multi-chunk statement. Answers the number of rows written.
 */
export async function copyRowsIn(
  tx: pg.PoolClient,
  copyStatement: string,
  rows: AsyncIterable<CopyRow>,
): Promise<number> {
  const copy = new BinaryCopyIn(`${copyStatement} FROM STDIN WITH (FORMAT binary)`, rows);
  tx.query(copy);
  return copy.done;
}

/** Values at least this long are written on their own instead of being copied into the row's head. */
const ownWriteBytes = 16 * 1024;
const copyHeader = Buffer.concat([copySignature, Buffer.alloc(8)]);

interface Socket {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
  once(event: 'drain' | 'close', listener: () => void): void;
  off(event: 'drain' | 'close', listener: () => void): void;
}

/**
 * The Submittable for a COPY FROM STDIN: once the server asks for the data, the rows are written
 * as CopyData messages straight to the connection's socket (node-postgres writes nothing else
 * while its active query is ours), waiting for it to drain, then CopyDone (or CopyFail when the
 * rows could not be read).
 */
export class BinaryCopyIn implements pg.Submittable {
  #written = 0;
  #failed: Error | undefined;
  #resolve!: (rows: number) => void;
  #reject!: (error: Error) => void;
  readonly done = new Promise<number>((resolve, reject) => {
    this.#resolve = resolve;
    this.#reject = reject;
  });

  constructor(
    readonly text: string,
    private readonly rows: AsyncIterable<CopyRow>,
  ) {}

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  handleCopyInResponse(connection: pg.Connection): void {
    const link = connection as unknown as { stream: Socket; endCopyFrom(): void; sendCopyFail(reason: string): void };
    this.#send(link).then(
      () => {
        // After the server's own error it no longer listens for the end of the data.
        if (!this.#failed) link.endCopyFrom();
      },
      (error: Error) => {
        if (this.#failed) return;
        // The server answers CopyFail with an error; ours is the one worth reporting.
        this.#failed = error;
        link.sendCopyFail('the rows could not be read');
      },
    );
  }

  async #send(link: { stream: Socket }): Promise<void> {
    let first = true;
    for await (const row of this.rows) {
      if (this.#failed) return;
      const parts = messageOf(row, first ? copyHeader : undefined);
      first = false;
      link.stream.cork();
      let room = true;
      for (const part of parts) room = link.stream.write(part);
      link.stream.uncork();
      if (!room) await drained(link.stream);
    }
    if (first) link.stream.write(messageOf(undefined, copyHeader)[0]!);
    else link.stream.write(messageOf(undefined)[0]!);
  }

  handleCommandComplete(message: { text?: string }): void {
    this.#written = Number(/([0-9]+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }

  handleError(error: Error): void {
    this.#failed ??= error;
    this.#reject(this.#failed);
  }

  handleReadyForQuery(): void {
    if (this.#failed) this.#reject(this.#failed);
    else this.#resolve(this.#written);
  }
}

function drained(stream: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/** One CopyData message holding `row` (or the trailer when undefined), as buffers to write in order. */
function messageOf(row: CopyRow | undefined, prefix?: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let head: number[] = [];
  let small: Buffer[] = prefix ? [prefix] : [];
  let length = 4 + (prefix?.length ?? 0);
  const flushSmall = () => {
    if (head.length > 0) small.push(Buffer.from(head));
    head = [];
  };
  const int16 = (n: number) => head.push((n >> 8) & 0xff, n & 0xff);
  const int32 = (n: number) => head.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  if (row === undefined) {
    int16(-1);
    length += 2;
  } else {
    int16(row.length);
    length += 2;
    for (const value of row) {
      int32(value === null ? -1 : value.length);
      length += 4;
      if (value === null) continue;
      length += value.length;
      if (value.length < ownWriteBytes) {
        flushSmall();
        small.push(value);
        continue;
      }
      flushSmall();
      parts.push(Buffer.concat(small));
      small = [];
      parts.push(value);
    }
  }
  flushSmall();
  if (small.length > 0) parts.push(Buffer.concat(small));
  const header = Buffer.alloc(5);
  header.write('d', 0, 'latin1');
  header.writeUInt32BE(length, 1);
  parts[0] = Buffer.concat([header, parts[0]!]);
  return parts;
}
