import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { windowsExecutable } from '../support/fixtures.ts';
import { sampleBmp, sampleGif, sampleJpeg, samplePdf, samplePng, sampleTiff } from '../support/sample-files.ts';
import type { TestStack } from '../support/stack.ts';
import { bearer, expectRefused, letterText, postJson, startHostileStack } from './hostile-support.ts';

let stack: TestStack;
let before: Record<string, number>;
beforeAll(async () => {
  stack = await startHostileStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

type Type = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/gif' | 'image/tiff' | 'image/bmp';
const letterWith = (contentType: Type, data: string, title = 'Bilag') =>
  letterText({ attachments: [{ title, contentType, data }] });
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const patch = (bytes: Buffer, edit: (copy: Buffer) => void) => {
  const copy = Buffer.from(bytes);
  edit(copy);
  return copy;
};
const pngChunk = (type: string, data: Buffer) => {
  const typed = Buffer.concat([latin1(type), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
};
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const segment = (marker: number, length: number, body: Buffer) =>
  Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), body]);
/** A BMP header declaring `width`×`height` in front of a few bytes: no pixels to match. */
const bmpDeclaring = (width: number, height: number) =>
  patch(sampleBmp().subarray(0, 200), (b) => {
    b.writeInt32LE(width, 18);
    b.writeInt32LE(height, 22);
    b.writeUInt32LE(200, 2);
  });
const zip = Buffer.concat([latin1('PK\x03\x04\x14\x00\x00\x00\x08\x00'), randomBytes(2000)]);

type Case = [name: string, contentType: Type, file: () => Buffer, code: string];

const cases: Case[] = [
  // Magic bytes disagreeing with the declared type.
  ['a Windows .exe declared PDF', 'application/pdf', () => windowsExecutable, 'attachment-type-mismatch'],
  ['a zip archive renamed .pdf', 'application/pdf', () => zip, 'attachment-type-mismatch'],
  ['a zip bomb declared image/png', 'image/png', () => zip, 'attachment-type-mismatch'],
  [
    'an HTML page with a script declared PNG',
    'image/png',
    () => latin1('<!DOCTYPE html><html><script>alert(1)</script>'),
    'attachment-type-mismatch',
  ],
  [
    'an SVG with onload declared PNG',
    'image/png',
    () => latin1('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    'attachment-type-mismatch',
  ],
  ['a PNG declared JPEG', 'image/jpeg', () => samplePng(1000), 'attachment-type-mismatch'],
  ['a PDF declared GIF', 'image/gif', () => samplePdf(1000), 'attachment-type-mismatch'],
  [
    'an ELF binary declared TIFF',
    'image/tiff',
    () => Buffer.concat([latin1('\x7fELF\x02\x01\x01'), randomBytes(500)]),
    'attachment-type-mismatch',
  ],
  [
    'a shell script declared BMP',
    'image/bmp',
    () => latin1('#!/bin/sh\nrm -rf / --no-preserve-root\n'),
    'attachment-type-mismatch',
  ],
  [
    'a PDF behind a leading space (polyglot)',
    'application/pdf',
    () => Buffer.concat([latin1(' '), samplePdf(1000)]),
    'attachment-type-mismatch',
  ],
  // Truncated or corrupt files.
  ['a GIF with a zip appended (GIFAR)', 'image/gif', () => Buffer.concat([sampleGif(1000), zip]), 'attachment-corrupt'],
  [
    'a PDF without its %%EOF trailer',
    'application/pdf',
    () => Buffer.concat([latin1('%PDF-1.7\n'), randomBytes(3000)]),
    'attachment-corrupt',
  ],
  ['a PDF cut off halfway', 'application/pdf', () => samplePdf(8000).subarray(0, 4000), 'attachment-corrupt'],
  [
    'a PNG without IHDR',
    'image/png',
    () => Buffer.concat([pngSignature, pngChunk('IDAT', randomBytes(500)), pngChunk('IEND', Buffer.alloc(0))]),
    'attachment-corrupt',
  ],
  [
    'a PNG whose IHDR checksum is wrong',
    'image/png',
    () => patch(samplePng(1000), (b) => void (b[29] = b[29]! ^ 0xff)),
    'attachment-corrupt',
  ],
  [
    'a PNG whose IHDR was altered after the checksum',
    'image/png',
    () => patch(samplePng(1000), (b) => void (b[19] = b[19]! ^ 0x01)),
    'attachment-corrupt',
  ],
  ['a PNG without IEND (truncated)', 'image/png', () => samplePng(1000).subarray(0, 988), 'attachment-corrupt'],
  ['a PNG signature alone', 'image/png', () => pngSignature, 'attachment-corrupt'],
  [
    'a JPEG without its end-of-image marker',
    'image/jpeg',
    () => sampleJpeg(2000).subarray(0, 1998),
    'attachment-corrupt',
  ],
  [
    'a JPEG with scan data before any frame header',
    'image/jpeg',
    () =>
      Buffer.concat([
        Buffer.from([0xff, 0xd8]),
        segment(0xda, 8, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
        randomBytes(100).map((b) => b & 0x7f),
        Buffer.from([0xff, 0xd9]),
      ]),
    'attachment-corrupt',
  ],
  [
    'a JPEG with a zero segment length',
    'image/jpeg',
    () => Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe1, 0, randomBytes(300)), Buffer.from([0xff, 0xd9])]),
    'attachment-corrupt',
  ],
  ['a JPEG start marker alone', 'image/jpeg', () => Buffer.from([0xff, 0xd8, 0xff]), 'attachment-corrupt'],
  ['a GIF without its trailer', 'image/gif', () => sampleGif(1000).subarray(0, 999), 'attachment-corrupt'],
  ['a GIF signature alone', 'image/gif', () => latin1('GIF89a'), 'attachment-corrupt'],
  [
    'a TIFF whose directory offset lies past its end',
    'image/tiff',
    () => patch(sampleTiff(1000), (b) => b.writeUInt32LE(50_000, 4)),
    'attachment-corrupt',
  ],
  [
    'a TIFF whose directory offset points into its header',
    'image/tiff',
    () => patch(sampleTiff(1000), (b) => b.writeUInt32LE(4, 4)),
    'attachment-corrupt',
  ],
  [
    'a TIFF directory without image dimensions',
    'image/tiff',
    () =>
      patch(sampleTiff(1000), (b) => {
        const directory = b.readUInt32LE(4);
        b.writeUInt16LE(300, directory + 2);
        b.writeUInt16LE(301, directory + 14);
      }),
    'attachment-corrupt',
  ],
  ['a BMP cut off inside its pixels', 'image/bmp', () => sampleBmp().subarray(0, 300), 'attachment-corrupt'],
  [
    'a BMP whose pixel offset lies past its end',
    'image/bmp',
    () => patch(sampleBmp(), (b) => b.writeUInt32LE(100_000, 10)),
    'attachment-corrupt',
  ],
  [
    'a BMP declaring more pixels than it carries',
    'image/bmp',
    () => patch(sampleBmp(), (b) => b.writeInt32LE(64, 18)),
    'attachment-corrupt',
  ],
  [
    'a BMP with 7 bits per pixel',
    'image/bmp',
    () => patch(sampleBmp(), (b) => b.writeUInt16LE(7, 28)),
    'attachment-corrupt',
  ],
  ['a PNG of 0×0 pixels', 'image/png', () => samplePng(1000, { width: 0, height: 0 }), 'attachment-corrupt'],
  // Decompression bombs: a few kilobytes declaring gigapixels.
  [
    'a PNG declaring 100 000×100 000',
    'image/png',
    () => samplePng(2000, { width: 100_000, height: 100_000 }),
    'attachment-too-many-pixels',
  ],
  [
    'a PNG just over 50 megapixels (7072×7072)',
    'image/png',
    () => samplePng(2000, { width: 7072, height: 7072 }),
    'attachment-too-many-pixels',
  ],
  [
    'a GIF declaring 65 535×65 535',
    'image/gif',
    () => sampleGif(2000, { width: 65_535, height: 65_535 }),
    'attachment-too-many-pixels',
  ],
  [
    'a JPEG declaring 65 535×65 535',
    'image/jpeg',
    () => sampleJpeg(2000, { width: 65_535, height: 65_535 }),
    'attachment-too-many-pixels',
  ],
  [
    'a JPEG bomb behind 130 KiB of metadata',
    'image/jpeg',
    () =>
      sampleJpeg(140_000, { width: 65_535, height: 65_535 }, [
        segment(0xe1, 65_535, randomBytes(65_533)),
        segment(0xe2, 65_535, randomBytes(65_533)),
      ]),
    'attachment-too-many-pixels',
  ],
  ['a BMP declaring 100 000×100 000', 'image/bmp', () => bmpDeclaring(100_000, 100_000), 'attachment-too-many-pixels'],
  [
    'a TIFF declaring 100 000×100 000, directory at the end',
    'image/tiff',
    () => sampleTiff(1_000_000, { width: 100_000, height: 100_000 }),
    'attachment-too-many-pixels',
  ],
];

describe('hostile attachments (JSON, base64) on POST /v1/messages', () => {
  it.each(cases)('%s (declared %s) → 422 %s', async (_name, contentType, file, code) => {
    const data = file().toString('base64');
    await expectRefused(stack, before, await postJson(stack, letterWith(contentType, data)), 422, code, [
      data.slice(40, 80),
    ]);
  });

  const pdf = samplePdf(1000).toString('base64'); // 1000 bytes: ends in two padding characters
  it.each([
    ['junk characters', 'JVBERi0x$$$', 'attachment-base64-invalid'],
    ['missing padding', pdf.replace(/=+$/, ''), 'attachment-base64-invalid'],
    ['too much padding', `${pdf}=`, 'attachment-base64-invalid'],
    ['padding in the middle', `${pdf.slice(0, 8)}=${pdf.slice(8)}`, 'attachment-base64-invalid'],
    ['a data: URL', `data:application/pdf;base64,${pdf}`, 'attachment-base64-invalid'],
    [
      'the base64url alphabet',
      Buffer.from([0xfb, 0xff, 0xbf, 0xfb]).toString('base64url'),
      'attachment-base64-invalid',
    ],
    ['non-zero bits before the padding', 'SGVsbG9=', 'attachment-base64-invalid'],
    ['a no-break space inside', `${pdf.slice(0, 20)}\u00a0${pdf.slice(20)}`, 'attachment-base64-invalid'],
    ['vertical tab and form feed', `${pdf.slice(0, 20)}\u000b\u000c${pdf.slice(20)}`, 'attachment-base64-invalid'],
    ['a Unicode line separator', `${pdf.slice(0, 20)}\u2028${pdf.slice(20)}`, 'attachment-base64-invalid'],
    ['a zero-width space', `${pdf.slice(0, 20)}\u200b${pdf.slice(20)}`, 'attachment-base64-invalid'],
    ['whitespace only (an empty file)', ' \r\n\t\r\n', 'attachment-empty'],
    ['"====" (an empty file with padding)', '====', 'attachment-base64-invalid'],
  ])('base64 with %s → 422 %s', async (_name, data, code) => {
    await expectRefused(stack, before, await postJson(stack, letterWith('application/pdf', data)), 422, code);
  });

  const longTitle = 'Epikrise '.repeat(23);
  it.each([
    ['"../"', '../', 'attachment-title-invalid'],
    ['only an extension', '.pdf', 'attachment-title-invalid'],
    ['only control and bidi characters', ' \u0001\u202e\u0007 ', 'attachment-title-invalid'],
    ['a path ending in a separator', 'a/b/', 'attachment-title-invalid'],
    ['a UNC share path', '\\\\server\\share\\', 'attachment-title-invalid'],
    ['the device name CON', 'CON', 'attachment-title-invalid'],
    ['the device name nul.pdf', 'nul.pdf', 'attachment-title-invalid'],
    ['the device name LPT1.txt', 'LPT1.txt', 'attachment-title-invalid'],
    ['the device name COM¹ ', 'COM\u00b9 ', 'attachment-title-invalid'],
    ['201 characters', `${longTitle}xxxx`.slice(0, 201), 'validation-failed'],
  ])('a title of %s → 422 %s', async (_name, title, code) => {
    const data = samplePdf(1000).toString('base64');
    await expectRefused(stack, before, await postJson(stack, letterWith('application/pdf', data, title)), 422, code, [
      longTitle,
    ]);
  });
});

describe('hostile titles that are sanitised rather than refused', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\System32\\rapport.pdf', 'rapport'],
    ['faktura\u202efdp.exe', 'fakturafdp.exe'],
    // A NUL is refused in every field (odd-inputs.test.ts); other control characters are dropped.
    ['Blodprøver\u0001 marts\u0007', 'Blodprøver marts'],
    ['\u2066Svar\u2069 på henvendelse.JPEG', 'Svar på henvendelse'],
  ])('%j is stored as %j', async (title, stored) => {
    const answer = await postJson(stack, letterWith('application/pdf', samplePdf(1000).toString('base64'), title));
    expect(answer.status).toBe(202);
    const letter = await stack
      .api()
      .get(`/v1/messages/${JSON.parse(answer.text).id}`)
      .set(bearer(stack));
    expect(letter.body.attachments).toEqual([expect.objectContaining({ title: stored })]);
  });
});
