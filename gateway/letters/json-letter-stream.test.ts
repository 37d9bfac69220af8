import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { samplePdf, samplePng } from '../../test/support/sample-files.ts';
import { defaultAttachmentLimits } from '../attachments/attachment-checks.ts';
import { JsonStreamParser } from '../http/json-stream.ts';
import { letterJsonShape } from '../http/json-rules.ts';
import { createVault } from '../platform/crypto.ts';
import { ProblemError } from '../platform/problem.ts';
import { StreamedAttachments, maxLetterJsonHeldBytes, type StreamedLetterLimits } from './json-letter-stream.ts';
import { SpoolMemory } from './spool-memory.ts';
import { chunkAad } from './letter-intake.ts';

const vault = createVault({ dataKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }], cprHmacKey: undefined });
const limits: StreamedLetterLimits = {
  ...defaultAttachmentLimits,
  spoolMemory: new SpoolMemory(4 * 1024 * 1024, 64 * 1024 * 1024),
};
const pdf = samplePdf(300);
const png = samplePng(300);

/** Base64 as PHP and MIME encoders write it: "/" escaped, a line break every 76 characters. */
const encoded = (file: Buffer) =>
  file
    .toString('base64')
    .replace(/(.{76})/g, '$1\\r\\n')
    .replace(/\//g, '\\/');

async function stream(body: string, cuts: number[], options: Partial<StreamedLetterLimits> = {}) {
  const attachments = new StreamedAttachments(vault, { ...limits, ...options });
  const parser = new JsonStreamParser(letterJsonShape, maxLetterJsonHeldBytes, attachments);
  const bytes = Buffer.from(body, 'utf8');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.write(bytes.subarray(from, cut));
    await attachments.drain();
    from = cut;
  }
  return { letter: parser.end() as { attachments: Array<Record<string, unknown>> }, attachments };
}

/** The attachment bytes as the spool holds them, opened again. */
function unsealed(attachments: StreamedAttachments, position: number): Buffer {
  const chunks = attachments.spool.memoryChunks.filter((chunk) => chunk.position === position);
  return Buffer.concat(
    chunks.map((chunk) => vault.open(chunk.sealed, chunk.keyId, chunkAad(attachments.letterId, position, chunk.index))),
  );
}

function problemOf(action: () => unknown): ProblemError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('no problem raised');
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a JSON letter whose attachments stream into the spool', () => {
  const body =
    `{"text":"Se bilag","attachments":[` +
    `{"title":"Epikrise","contentType":"application/pdf","data":"${encoded(pdf)}"},` +
    `{"data":"${encoded(png)}","title":"Foto","contentType":"image/png"}]}`;

  it('decodes, checks and seals each attachment whether data comes before or after its type, cut anywhere', async () => {
    for (let cut = 1; cut < body.length; cut += 1) {
      const { letter, attachments } = await stream(body, [cut]);
      expect(letter.attachments).toEqual([
        { title: 'Epikrise', contentType: 'application/pdf', data: 'streamed' },
        { data: 'streamed', title: 'Foto', contentType: 'image/png' },
      ]);
      expect(unsealed(attachments, 0).equals(pdf), `cut at ${cut}`).toBe(true);
      expect(unsealed(attachments, 1).equals(png), `cut at ${cut}`).toBe(true);
      expect(attachments.finish(0, 'application/pdf')).toEqual({ size: pdf.length, sha256: sha256(pdf) });
      expect(attachments.finish(1, 'image/png')).toEqual({ size: png.length, sha256: sha256(png) });
      await attachments.release();
    }
  });

  it('decodes byte by byte (cuts inside escapes, line breaks and base64 quads)', async () => {
    const { attachments } = await stream(
      body,
      Array.from({ length: body.length }, (_, i) => i),
    );
    expect(unsealed(attachments, 0).equals(pdf)).toBe(true);
    expect(attachments.finish(1, 'image/png').sha256).toBe(sha256(png));
  });

  it('holds a file to the type declared after it', async () => {
    const late = `{"attachments":[{"data":"${pdf.toString('base64')}","contentType":"image/png","title":"x"}]}`;
    const { attachments } = await stream(late, [40]);
    const problem = problemOf(() => attachments.finish(0, 'image/png'));
    expect([problem.status, problem.code, problem.detail]).toEqual([
      422,
      'attachment-type-mismatch',
      'declared image/png, file looks like application/pdf',
    ]);
  });

  it('refuses invalid base64 only when asked for that attachment, and reads no further attachment', async () => {
    const broken = `{"attachments":[{"data":"JVBE*i0x"},{"data":"${pdf.toString('base64')}"}]}`;
    const { letter, attachments } = await stream(broken, [30]);
    expect(letter.attachments).toHaveLength(2);
    expect(problemOf(() => attachments.finish(0, 'application/pdf')).code).toBe('attachment-base64-invalid');
    expect(attachments.spool.memoryChunks).toEqual([]);
  });

  it('answers a mislabelled file before its size when its type comes after it, as the buffered path does', async () => {
    // Past the first 768 KiB chunk, whose magic bytes the buffered path checked before the size.
    const big = samplePdf(900 * 1024);
    const late = `{"attachments":[{"data":"${big.toString('base64')}","contentType":"image/jpeg"}]}`;
    const { attachments } = await stream(late, [], { maxFileBytes: 800 * 1024 });
    expect(problemOf(() => attachments.finish(0, 'image/jpeg')).code).toBe('attachment-type-mismatch');
    const { attachments: labelled } = await stream(late, [], { maxFileBytes: 800 * 1024 });
    expect(problemOf(() => labelled.finish(0, 'application/pdf')).code).toBe('attachment-too-large');
  });

  it('keeps the letter limit across attachments', async () => {
    const two = `{"attachments":[{"data":"${pdf.toString('base64')}"},{"data":"${pdf.toString('base64')}"}]}`;
    const { attachments } = await stream(two, [], { maxLetterBytes: pdf.length + 100 });
    expect(attachments.finish(0, 'application/pdf').size).toBe(pdf.length);
    expect(problemOf(() => attachments.finish(1, 'application/pdf')).code).toBe('letter-too-large');
  });

  it('leaves empty data empty for the schema, and calls data of line breaks only an empty file', async () => {
    const { letter, attachments } = await stream('{"attachments":[{"data":""},{"data":"\\r\\n"}]}', []);
    expect(letter.attachments.map((attachment) => attachment.data)).toEqual(['', 'streamed']);
    expect(problemOf(() => attachments.finish(1, 'application/pdf')).code).toBe('attachment-empty');
  });

  it('does not decode an eleventh attachment', async () => {
    const eleven = Array.from({ length: 11 }, () => `{"data":"${pdf.toString('base64')}"}`).join(',');
    const { letter, attachments } = await stream(`{"attachments":[${eleven}]}`, []);
    expect(letter.attachments).toHaveLength(11);
    expect(new Set(attachments.spool.memoryChunks.map((chunk) => chunk.position)).size).toBe(10);
  });
});
