import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testLetter, windowsExecutable } from '../support/fixtures.ts';
import { sampleJpeg, samplePdf, samplePng } from '../support/sample-files.ts';
import type { TestStack } from '../support/stack.ts';
import {
  bearer,
  expectRefused,
  measureMemory,
  mib,
  repeated,
  send,
  startHostileStack,
  type Answer,
} from './hostile-support.ts';

let stack: TestStack;
let before: Record<string, number>;
// Small limits, so a gigabyte is refused after a few MiB; the memory figures show that.
const maxFileBytes = 4 * mib;
beforeAll(async () => {
  stack = await startHostileStack({
    POSTBUD_MAX_FILE_BYTES: String(maxFileBytes),
    POSTBUD_MAX_LETTER_BYTES: String(8 * mib),
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

const boundary = 'postbud-hostile-7Hq2';
type Part = { headers: string[]; body: Buffer | string };
const field = (name: string, body: string, type?: string): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"`, ...(type ? [`Content-Type: ${type}`] : [])],
  body,
});
const file = (body: Buffer | string, type = 'application/pdf', filename = 'bilag.pdf', extra: string[] = []): Part => ({
  headers: [`Content-Disposition: form-data; name="file"; filename="${filename}"`, `Content-Type: ${type}`, ...extra],
  body,
});
const declaring = (types: string[], overrides: Record<string, unknown> = {}) =>
  JSON.stringify(
    testLetter({
      attachments: types.map((contentType, i) => ({ title: `Bilag ${i + 1}`, contentType })),
      ...overrides,
    }),
  );
const message = (types: string[] = [], overrides: Record<string, unknown> = {}) =>
  field('message', declaring(types, overrides), 'application/json');

function body(parts: Part[], options: { closing?: boolean; preamble?: string; inBody?: string } = {}): Buffer {
  const mark = options.inBody ?? boundary;
  const pieces: Buffer[] = [Buffer.from(options.preamble ?? '')];
  for (const part of parts) {
    pieces.push(
      Buffer.from(`--${mark}\r\n${part.headers.join('\r\n')}\r\n\r\n`),
      Buffer.from(part.body),
      Buffer.from('\r\n'),
    );
  }
  if (options.closing ?? true) pieces.push(Buffer.from(`--${mark}--\r\n`));
  return Buffer.concat(pieces);
}

const postMultipart = (
  content: Buffer | (() => AsyncIterable<Buffer>),
  contentType = `multipart/form-data; boundary=${boundary}`,
): Promise<Answer> => send(stack.url, { headers: { ...bearer(stack), 'Content-Type': contentType }, body: content });

const nestedMultipart = `--inner\r\nContent-Type: text/plain\r\n\r\nhej\r\n--inner--\r\n`;
const pdf = samplePdf(2000);

type Case = [name: string, status: number, code: string, content: () => Buffer, contentType?: string];

const cases: Case[] = [
  // Boundaries.
  ['no boundary parameter', 400, 'multipart-malformed', () => body([message()]), 'multipart/form-data'],
  [
    'an empty boundary parameter',
    400,
    'multipart-malformed',
    () => body([message()]),
    'multipart/form-data; boundary=""',
  ],
  [
    'a body using another boundary than declared',
    400,
    'multipart-malformed',
    () => body([message()], { inBody: 'something-else' }),
  ],
  [
    'a body without its closing boundary',
    400,
    'multipart-malformed',
    () => body([message(['application/pdf']), file(pdf)], { closing: false }),
  ],
  [
    'a body that is not multipart at all',
    400,
    'multipart-malformed',
    () => Buffer.from('{"sender":{"sorId":"100011000016002"}}'),
  ],
  [
    'multipart/mixed instead of form-data',
    415,
    'unsupported-media-type',
    () => body([message()]),
    `multipart/mixed; boundary=${boundary}`,
  ],
  // Which parts, in which order.
  ['no parts at all', 422, 'multipart-message-missing', () => body([])],
  ['a file before the message', 422, 'multipart-message-first', () => body([file(pdf), message(['application/pdf'])])],
  [
    'the letter under another field name',
    422,
    'multipart-unexpected-field',
    () => body([field('letter', declaring([]))]),
  ],
  ['a second message field', 422, 'multipart-unexpected-field', () => body([message(), message()])],
  [
    'eleven files',
    422,
    'too-many-attachments',
    () => body([message(Array(10).fill('application/pdf')), ...Array.from({ length: 11 }, () => file(pdf))]),
  ],
  [
    'more files than declared',
    422,
    'attachment-count-mismatch',
    () => body([message(['application/pdf']), file(pdf), file(pdf)]),
  ],
  [
    'fewer files than declared',
    422,
    'attachment-count-mismatch',
    () => body([message(['application/pdf', 'application/pdf']), file(pdf)]),
  ],
  // Part headers.
  [
    'a part with 10 000 headers',
    400,
    'multipart-malformed',
    () => body([message(), { headers: Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v`), body: 'x' }]),
  ],
  [
    'a 1 MiB Content-Disposition value',
    400,
    'multipart-malformed',
    () => body([message(['application/pdf']), file(pdf, 'application/pdf', 'x'.repeat(mib))]),
  ],
  [
    'a part header without a colon',
    400,
    'multipart-malformed',
    () => body([{ headers: ['Content-Disposition form-data name=message'], body: '{}' }]),
  ],
  // The message part.
  [
    'a nested multipart as the message',
    400,
    'multipart-message-invalid',
    () => body([field('message', nestedMultipart, 'multipart/mixed; boundary=inner')]),
  ],
  ['a message that is not JSON', 400, 'multipart-message-invalid', () => body([field('message', '{"sender":')])],
  [
    'a message nested 10 000 deep',
    400,
    'body-too-deep',
    () => body([field('message', `${'['.repeat(10_000)}${']'.repeat(10_000)}`)]),
  ],
  [
    'a message with a duplicate key',
    400,
    'body-duplicate-key',
    () => body([field('message', declaring([]).replace('"category":', '"category":"other","category":'))]),
  ],
  [
    'a message with "__proto__"',
    400,
    'body-key-invalid',
    () => body([field('message', declaring([]).replace('{', '{"__proto__":{"admin":true},'))]),
  ],
  [
    'a message with a NUL in the text',
    400,
    'nul-character',
    () => body([message([], { text: 'Patienten udskrives\u0000' })]),
  ],
  [
    'a message with wrong types',
    422,
    'validation-failed',
    () => body([message([], { patient: 'Nancy Ann Berggren 2509479989' })]),
  ],
  [
    'a message part over 1 MiB',
    413,
    'multipart-message-too-large',
    () => body([field('message', ' '.repeat(mib + 10))]),
  ],
  // File parts.
  [
    'a nested multipart as a file',
    422,
    'attachment-type-mismatch',
    () => body([message(['application/pdf']), file(nestedMultipart, 'multipart/mixed; boundary=inner')]),
  ],
  [
    'an .exe as a PDF file part',
    422,
    'attachment-type-mismatch',
    () => body([message(['application/pdf']), file(windowsExecutable, 'application/pdf', 'epikrise.pdf')]),
  ],
  [
    'a PDF sent base64-encoded (Content-Transfer-Encoding)',
    422,
    'attachment-type-mismatch',
    () =>
      body([
        message(['application/pdf']),
        file(pdf.toString('base64'), 'application/pdf', 'b.pdf', ['Content-Transfer-Encoding: base64']),
      ]),
  ],
  [
    'a PNG declaring 100 000×100 000',
    422,
    'attachment-too-many-pixels',
    () => body([message(['image/png']), file(samplePng(3000, { width: 100_000, height: 100_000 }), 'image/png')]),
  ],
  [
    'a truncated JPEG',
    422,
    'attachment-corrupt',
    () => body([message(['image/jpeg']), file(sampleJpeg(3000).subarray(0, 2000), 'image/jpeg')]),
  ],
  ['an empty file part', 422, 'attachment-empty', () => body([message(['application/pdf']), file('')])],
  [
    'a file over the file limit',
    413,
    'attachment-too-large',
    () => body([message(['application/pdf']), file(samplePdf(maxFileBytes + 1))]),
  ],
];

describe('hostile multipart bodies on POST /v1/messages', () => {
  it.each(cases)('%s → %i %s', async (_name, status, code, content, contentType) => {
    await expectRefused(stack, before, await postMultipart(content(), contentType), status, code);
  });
});

describe('1 GB multipart uploads → 413 while streaming, memory flat', () => {
  const gigabyte = 1024 * mib;
  const block = Buffer.alloc(64 * 1024, 0x41);
  const blocks = gigabyte / block.length;
  const partHead = (headers: string[]) => Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`);

  it.each([
    [
      'as one file part',
      'attachment-too-large',
      async function* () {
        yield body([message(['application/pdf'])], { closing: false });
        yield partHead(file('').headers);
        yield Buffer.from('%PDF-1.7\n');
        yield* repeated(block, blocks);
      },
    ],
    [
      'as the message field',
      'multipart-message-too-large',
      async function* () {
        yield partHead(field('message', '').headers);
        yield* repeated(block, blocks);
      },
    ],
    [
      'as a preamble before the first boundary',
      'multipart-message-too-large',
      async function* () {
        yield* repeated(block, blocks);
      },
    ],
  ] as const)('a 1 GB upload %s → 413 %s', async (how, code, upload) => {
    const { result: answer, growth } = await measureMemory(() => postMultipart(upload));
    await expectRefused(stack, before, answer, 413, code);
    console.log(
      `multipart 1 GB ${how}: sent ${(answer.bytesSent! / mib).toFixed(1)} MiB before the answer; growth rss ${growth.rssMiB.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffersMiB.toFixed(1)} MiB`,
    );
    expect(answer.bytesSent!).toBeLessThan(64 * mib);
    expect(growth.rssMiB).toBeLessThan(64);
    expect(growth.arrayBuffersMiB).toBeLessThan(64);
  });
});
