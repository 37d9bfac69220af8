import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BinaryCopyOut, type CopyRow } from './pg-binary-copy.ts';

const int32 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n);
  return bytes;
};
const int16 = (n: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(n);
  return bytes;
};

/** A binary COPY stream as PostgreSQL writes it: header, rows of length-prefixed values, trailer. */
function copyStream(rows: (Buffer | null)[][]): Buffer {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(0)]);
  const body = rows.flatMap((row) => [
    int16(row.length),
    ...row.flatMap((value) => (value === null ? [int32(-1)] : [int32(value.length), value])),
  ]);
  return Buffer.concat([header, ...body, int16(-1)]);
}

/** Feeds `stream` in `pieces`, each message in a buffer that is overwritten afterwards, as the protocol parser does. */
function run(
  stream: Buffer,
  cuts: number[],
  take: (row: CopyRow) => unknown = (row) => row.map((v) => v && Buffer.from(v)),
) {
  const copy = new BinaryCopyOut('COPY …', take);
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    const reused = Buffer.from(stream.subarray(from, to));
    copy.handleCopyData({ chunk: reused });
    reused.fill(0xee);
    from = to;
  }
  copy.handleCommandComplete();
  copy.handleReadyForQuery();
  return copy.done;
}

describe('reading a binary COPY stream', () => {
  const rows = [
    [Buffer.from([0, 0, 0, 1]), Buffer.from('key-1'), randomBytes(300)],
    [Buffer.from([0, 0, 0, 2]), null, Buffer.alloc(0)],
    [Buffer.from([0, 0, 0, 3]), Buffer.from('key-2'), randomBytes(17)],
  ];
  const stream = copyStream(rows);

  it('gives each row as sent, whether a message holds a row, several, or a part of one', async () => {
    expect(await run(stream, [])).toEqual(rows);
    for (let cut = 1; cut < stream.length; cut += 7) {
      expect(await run(stream, [cut])).toEqual(rows);
    }
    const everyByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(await run(stream, everyByte)).toEqual(rows);
  });

  it('refuses a stream that is cut short or is no binary COPY', async () => {
    await expect(run(stream.subarray(0, stream.length - 2), [])).rejects.toThrow(/cut short/);
    await expect(run(stream.subarray(0, 40), [])).rejects.toThrow(/cut short/);
    await expect(run(Buffer.from('1\tkey-1\n'.repeat(5)), [])).rejects.toThrow(/not a binary COPY/);
  });

  it('reports an error of the row reader once the server is ready again, without reading further rows', async () => {
    let seen = 0;
    const failing = run(stream, [], () => {
      seen += 1;
      throw new Error('unable to authenticate data');
    });
    await expect(failing).rejects.toThrow(/authenticate/);
    expect(seen).toBe(1);
  });
});
