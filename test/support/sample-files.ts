import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Small files of every allowed type that pass the gateway's structural checks (header, declared
 * dimensions, trailer), padded with random bytes to the size asked for. They are not meant to be
 * decoded: a PNG's IDAT or a JPEG's scan is noise, which no check of ours inflates.
 */

export interface Dimensions {
  width?: number;
  height?: number;
}

const u16be = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u16le = (value: number) => Buffer.from([value & 0xff, value >> 8]);
function u32(value: number, little = false): Buffer {
  const bytes = Buffer.alloc(4);
  if (little) bytes.writeUInt32LE(value);
  else bytes.writeUInt32BE(value);
  return bytes;
}

/** Random bytes without 0xFF, so they can stand for a JPEG's entropy-coded scan. */
function noFF(length: number): Buffer {
  const bytes = randomBytes(Math.max(0, length));
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0xff) bytes[i] = 0xfe;
  return bytes;
}

/** A PDF with a catalog, an empty page tree, one stream of random bytes, an xref table and its trailer. */
export function samplePdf(size = 2000): Buffer {
  const build = (streamLength: number) => {
    const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    const offsets: number[] = [];
    const add = (part: Buffer | string) => parts.push(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
    const length = () => parts.reduce((sum, part) => sum + part.length, 0);
    offsets.push(length());
    add('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
    offsets.push(length());
    add('2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n');
    offsets.push(length());
    add(`3 0 obj\n<< /Length ${streamLength} >>\nstream\n`);
    add(randomBytes(streamLength));
    add('\nendstream\nendobj\n');
    const xref = length();
    add(`xref\n0 4\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
    add(`trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
    return Buffer.concat(parts);
  };
  let streamLength = Math.max(1, size - 400);
  for (let round = 0; round < 4; round++) streamLength = Math.max(1, streamLength + size - build(streamLength).length);
  return build(streamLength);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32(data.length), typed, u32(crc32(typed))]);
}

/** Signature, IHDR (8-bit RGB), one IDAT of random bytes, IEND. */
export function samplePng(size = 2000, { width = 16, height = 16 }: Dimensions = {}): Buffer {
  const ihdr = pngChunk('IHDR', Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = pngChunk('IDAT', randomBytes(Math.max(1, size - 8 - 25 - 12 - 12)));
  return Buffer.concat([signature, ihdr, idat, pngChunk('IEND', Buffer.alloc(0))]);
}

const segment = (marker: number, body: Buffer) =>
  Buffer.concat([Buffer.from([0xff, marker]), u16be(body.length + 2), body]);

/** SOI, APP0 (JFIF), DQT, SOF0 (one component), two DHT, SOS, random scan data, EOI. */
export function sampleJpeg(size = 2000, { width = 16, height = 16 }: Dimensions = {}, before: Buffer[] = []): Buffer {
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])),
    ...before,
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    segment(0xc0, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])])),
    segment(0xc4, Buffer.concat([Buffer.from([0x00, 1]), Buffer.alloc(15), Buffer.from([0])])),
    segment(0xc4, Buffer.concat([Buffer.from([0x10, 1]), Buffer.alloc(15), Buffer.from([0])])),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
  ]);
  return Buffer.concat([head, noFF(size - head.length - 2), Buffer.from([0xff, 0xd9])]);
}

/** GIF89a with a two-colour table, one image whose LZW data is random sub-blocks, and the trailer. */
export function sampleGif(size = 2000, { width = 16, height = 16 }: Dimensions = {}): Buffer {
  const head = Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    u16le(width),
    u16le(height),
    Buffer.from([0x80, 0, 0]),
    Buffer.from([0, 0, 0, 0xff, 0xff, 0xff]),
    Buffer.from([0x2c, 0, 0, 0, 0]),
    u16le(Math.min(width, 65535)),
    u16le(Math.min(height, 65535)),
    Buffer.from([0, 2]),
  ]);
  const blocks: Buffer[] = [];
  for (let left = Math.max(2, size - head.length - 2); left > 1;) {
    const length = Math.min(255, left - 1);
    blocks.push(Buffer.from([length]), randomBytes(length));
    left -= length + 1;
  }
  return Buffer.concat([head, ...blocks, Buffer.from([0, 0x3b])]);
}

/** A 24-bit BMP (BITMAPINFOHEADER) whose pixel array fits its dimensions exactly. */
export function sampleBmp({ width = 16, height = 16 }: Dimensions = {}): Buffer {
  const rowBytes = Math.ceil((width * 24) / 32) * 4;
  const pixels = randomBytes(rowBytes * height);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** A little-endian 8-bit greyscale TIFF with its directory after the pixels, as scanners write it. */
export function sampleTiff(size = 2000, { width = 16, height = 16 }: Dimensions = {}): Buffer {
  const entries: Array<[number, number, number]> = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 8],
    [277, 3, 1],
    [278, 4, height],
    [279, 4, 0],
  ];
  const pixelBytes = Math.max(1, size - 8 - 2 - entries.length * 12 - 4);
  entries[8]![2] = pixelBytes;
  const directory = Buffer.alloc(2 + entries.length * 12 + 4);
  directory.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, value], i) => {
    const at = 2 + i * 12;
    directory.writeUInt16LE(tag, at);
    directory.writeUInt16LE(type, at + 2);
    directory.writeUInt32LE(1, at + 4);
    if (type === 3) directory.writeUInt16LE(value, at + 8);
    else directory.writeUInt32LE(value, at + 8);
  });
  return Buffer.concat([Buffer.from('II*\0', 'latin1'), u32(8 + pixelBytes, true), randomBytes(pixelBytes), directory]);
}
