import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createVault } from '../platform/crypto.ts';
import { ProblemError } from '../platform/problem.ts';
import { FormUploadRefused, readFormUpload } from './form-upload.ts';
import { SpoolMemory } from './spool-memory.ts';

const vault = createVault({ dataKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }] });
const boundary = 'postbud-test-boundary';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; bytes: Buffer };

/** A form as a browser posts it, as a request stream with its headers. */
function formRequest(parts: Part[]): IncomingMessage {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('filename' in part ? part.bytes : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(chunks);
  // Small pieces, as a network delivers them.
  const pieces = Array.from({ length: Math.ceil(body.length / 1000) }, (_, i) =>
    body.subarray(i * 1000, (i + 1) * 1000),
  );
  const req = Readable.from(pieces) as unknown as IncomingMessage & { complete: boolean };
  req.headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) };
  req.on('end', () => (req.complete = true));
  return req;
}

const limits = {
  maxFileBytes: 200_000,
  maxLetterBytes: 500_000,
  maxCount: 3,
  spoolMemory: new SpoolMemory(20_000, 1_000_000),
};
const acceptAll = () => undefined;

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('a letter form with files, as a browser posts it', () => {
  it('keeps the fields and gives back each file’s bytes, also from the spool file past the memory budget', async () => {
    const files = [randomBytes(150_000), Buffer.from('%PDF-1.7 small'), randomBytes(90_000)];
    const upload = await readFormUpload(
      formRequest([
        { name: '_csrf', value: 'token' },
        { name: 'text', value: 'Linje 1\r\nLinje 2' },
        { name: 'acknowledgedWarnings', value: 'first-contact' },
        { name: 'acknowledgedWarnings', value: 'confusable-name' },
        ...files.map((bytes, i) => ({ name: 'files', filename: `bilag-${i}.pdf`, type: 'application/pdf', bytes })),
        // A file input left empty still sends a part.
        { name: 'files', filename: '', type: 'application/octet-stream', bytes: Buffer.alloc(0) },
      ]),
      { vault, limits },
      acceptAll,
    );
    try {
      expect(upload.fields.get('text')).toEqual(['Linje 1\r\nLinje 2']);
      expect(upload.fields.get('acknowledgedWarnings')).toEqual(['first-contact', 'confusable-name']);
      expect(upload.files.map((file) => [file.filename, file.size])).toEqual([
        ['bilag-0.pdf', 150_000],
        ['bilag-1.pdf', 14],
        ['bilag-2.pdf', 90_000],
      ]);
      expect(upload.files[1]!.head.toString()).toBe('%PDF-1.7 small');
      for (const [position, bytes] of files.entries()) expect(await bytesOf(upload.chunks(position))).toEqual(bytes);
    } finally {
      await upload.close();
    }
  });

  it('sees the first field before anything else is read, and refuses what the check refuses', async () => {
    const seen: string[] = [];
    const refused = readFormUpload(
      formRequest([
        { name: 'files', filename: 'a.pdf', type: 'application/pdf', bytes: randomBytes(100) },
        { name: '_csrf', value: 'token' },
      ]),
      { vault, limits },
      (name) => {
        seen.push(name);
        if (name !== '_csrf') throw new ProblemError(403, 'csrf-invalid', 'Forbidden');
      },
    );
    await expect(refused).rejects.toBeInstanceOf(FormUploadRefused);
    await expect(refused).rejects.toMatchObject({ problem: { code: 'csrf-invalid' } });
    expect(seen).toEqual(['files']);
  });

  it('refuses a fourth file, a file over the limit and a letter over its limit, keeping the fields read', async () => {
    const file = (bytes: Buffer) => ({ name: 'files', filename: 'x.pdf', type: 'application/pdf', bytes });
    const cases: Array<[Part[], string]> = [
      [[1, 2, 3, 4].map(() => file(randomBytes(10))), 'too-many-attachments'],
      [[file(randomBytes(200_001))], 'attachment-too-large'],
      [[file(randomBytes(190_000)), file(randomBytes(190_000)), file(randomBytes(190_000))], 'letter-too-large'],
    ];
    for (const [files, code] of cases) {
      const refused = readFormUpload(
        formRequest([{ name: '_csrf', value: 'token' }, { name: 'cpr', value: '2509479989' }, ...files]),
        { vault, limits },
        acceptAll,
      );
      await expect(refused, code).rejects.toMatchObject({ problem: { code } });
      const error = (await refused.catch((e: unknown) => e)) as FormUploadRefused;
      expect(error.fields.get('cpr')).toEqual(['2509479989']);
    }
  });
});
