import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentInspector, rechunk, type AttachmentLimits } from '../attachments/attachment-checks.ts';
import { readMultipartLetter } from './multipart-intake.ts';
import { ProblemError } from '../platform/problem.ts';
import { sampleJpeg, samplePdf, samplePng } from '../../test/support/sample-files.ts';

// Garbage collection on demand, so the memory test measures live buffers rather than GC timing.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const kib = 1024;
const mib = 1024 * kib;
const limits: AttachmentLimits = { maxFileBytes: 2 * mib, maxLetterBytes: 30 * mib, maxCount: 10 };

type Route = (req: http.IncomingMessage) => Promise<unknown>;
let route: Route;
let server: http.Server;
let url: string;

beforeAll(async () => {
  // The reader sits behind a real socket, so backpressure and early answers are what a client sees.
  server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    route(req).then(
      (body) => answer(200, body),
      (error: unknown) =>
        error instanceof ProblemError
          ? answer(error.status, { code: error.code, detail: error.detail })
          : answer(500, { code: 'internal', detail: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Part = {
  name: string;
  filename?: string;
  type?: string;
  content: string | Buffer | (() => AsyncIterable<Buffer>);
};

async function* multipartBody(boundary: string, parts: Part[], complete: boolean): AsyncGenerator<Buffer> {
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type === undefined ? '' : `Content-Type: ${part.type}\r\n`;
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`);
    if (typeof part.content === 'function') yield* part.content();
    else yield Buffer.from(part.content);
    yield Buffer.from('\r\n');
  }
  if (complete) yield Buffer.from(`--${boundary}--\r\n`);
}

type Answer = { status: number; body: { code?: string; detail?: string; fileCount?: number } };

function post(parts: Part[], options: { contentType?: string; complete?: boolean } = {}): Promise<Answer> {
  const boundary = `postbud-${randomUUID()}`;
  const contentType = options.contentType ?? `multipart/form-data; boundary=${boundary}`;
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': contentType } }, async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
    });
    request.on('error', reject);
    Readable.from(multipartBody(boundary, parts, options.complete ?? true)).pipe(request);
  });
}

// Structurally valid files: the inspector checks headers and trailers, not just magic bytes.
const samples = { 'application/pdf': samplePdf, 'image/png': samplePng, 'image/jpeg': sampleJpeg } as const;
type FileType = keyof typeof samples;
const file = (type: FileType, size: number) => samples[type](size);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const message = (types: string[]) => ({
  name: 'message',
  type: 'application/json',
  content: JSON.stringify({
    category: 'other',
    attachments: types.map((contentType, i) => ({ title: `Bilag ${i + 1}`, contentType })),
  }),
});
const filePart = (content: Part['content'], filename = 'bilag.pdf', type = 'application/pdf'): Part => ({
  name: 'file',
  filename,
  type,
  content,
});

type Stored = { position: number; filename: string; size: number; sha256: string };

/** Handlers like the letter route's: check each file while streaming and "store" it chunk by chunk. */
function storingRoute(
  routeLimits: AttachmentLimits,
  options: {
    perChunk?: (req: http.IncomingMessage, chunk: Buffer) => Promise<void>;
    onMessage?: () => Promise<void>;
  } = {},
) {
  const seen = { messages: 0, files: [] as Stored[], bytesReceived: 0, outcome: undefined as unknown };
  route = async (req) => {
    let declared: { contentType: string }[] = [];
    try {
      return await readMultipartLetter(req, routeLimits, {
        async onMessage(letter) {
          seen.messages++;
          declared = (letter as { attachments: { contentType: string }[] }).attachments;
          await options.onMessage?.();
        },
        async onFile(position, part) {
          // No file limit of its own here, so what is tested is the reader's limit.
          const inspector = new AttachmentInspector(declared[position]?.contentType ?? '', { maxFileBytes: Infinity });
          const counted = async function* () {
            for await (const chunk of part.stream) {
              seen.bytesReceived += chunk.length;
              yield chunk;
            }
          };
          for await (const chunk of rechunk(counted())) {
            inspector.update(chunk);
            await options.perChunk?.(req, chunk);
          }
          seen.files.push({ position, filename: part.filename, ...inspector.finish() });
        },
      });
    } catch (error) {
      seen.outcome = error;
      throw error;
    }
  };
  return seen;
}

describe('POST /v1/messages as multipart/form-data', () => {
  it('accepts a letter with ten attachments and checks each one while streaming', async () => {
    const seen = storingRoute(limits);
    const types: FileType[] = ['application/pdf', 'image/png', 'image/jpeg'];
    const files = Array.from({ length: 10 }, (_, i) => ({
      type: types[i % 3] as FileType,
      bytes: file(types[i % 3] as FileType, 1000 + i * 150 * kib),
    }));
    const answer = await post([
      message(files.map((f) => f.type)),
      ...files.map((f, i) => filePart(f.bytes, `blodprøve ${i}.bin`, f.type)),
    ]);

    expect(answer).toEqual({ status: 200, body: { fileCount: 10 } });
    expect(seen.files).toEqual(
      files.map((f, i) => ({
        position: i,
        filename: `blodprøve ${i}.bin`,
        size: f.bytes.length,
        sha256: sha256(f.bytes),
      })),
    );
  });

  it('accepts a letter without attachments', async () => {
    storingRoute(limits);
    expect(await post([message([])])).toEqual({ status: 200, body: { fileCount: 0 } });
  });

  it('accepts the message sent as a JSON file, as `curl -F message=@letter.json` does', async () => {
    const seen = storingRoute(limits);
    const pdf = file('application/pdf', 3000);
    const answer = await post([{ ...message(['application/pdf']), filename: 'letter.json' }, filePart(pdf)]);
    expect(answer).toEqual({ status: 200, body: { fileCount: 1 } });
    expect(seen.files[0]?.sha256).toBe(sha256(pdf));
  });

  it('refuses an eleventh attachment before handing it to the handler', async () => {
    const seen = storingRoute(limits);
    const types = Array<string>(11).fill('application/pdf');
    const answer = await post([message(types), ...types.map(() => filePart(file('application/pdf', 2000)))]);
    expect([answer.status, answer.body.code]).toEqual([422, 'too-many-attachments']);
    expect(seen.files.map((f) => f.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a file part sent before the message', async () => {
    const seen = storingRoute(limits);
    const answer = await post([filePart(file('application/pdf', 100)), message(['application/pdf'])]);
    expect([answer.status, answer.body.code]).toEqual([422, 'multipart-message-first']);
    expect(seen.messages).toBe(0);
  });

  it('refuses a body without the message part', async () => {
    storingRoute(limits);
    const answer = await post([]);
    expect([answer.status, answer.body.code]).toEqual([422, 'multipart-message-missing']);
  });

  it.each([
    ['fewer', 2, 1],
    ['more', 1, 2],
  ])('refuses %s file parts than declared attachments', async (_case, declared, sent) => {
    storingRoute(limits);
    const parts = Array.from({ length: sent }, () => filePart(file('application/pdf', 500)));
    const answer = await post([message(Array<string>(declared).fill('application/pdf')), ...parts]);
    expect([answer.status, answer.body.code]).toEqual([422, 'attachment-count-mismatch']);
  });

  it('answers 413 for a file over the limit, never handing the handler more than the limit', async () => {
    const seen = storingRoute(limits);
    const answer = await post([message(['application/pdf']), filePart(file('application/pdf', 5 * mib))]);
    expect([answer.status, answer.body.code]).toEqual([413, 'attachment-too-large']);
    expect(answer.body.detail).toContain(String(limits.maxFileBytes));
    expect(seen.bytesReceived).toBeLessThanOrEqual(limits.maxFileBytes);
  });

  it('answers 413 when the attachments together pass the letter limit', async () => {
    storingRoute({ ...limits, maxLetterBytes: 3 * mib });
    const types = ['application/pdf', 'application/pdf'];
    const answer = await post([message(types), ...types.map(() => filePart(file('application/pdf', 2 * mib)))]);
    expect([answer.status, answer.body.code]).toEqual([413, 'letter-too-large']);
  });

  it("passes on the handler's refusal, such as a Windows executable declared as PDF", async () => {
    storingRoute(limits);
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(4000)]);
    const answer = await post([message(['application/pdf']), filePart(exe, 'brev.pdf')]);
    expect([answer.status, answer.body.code]).toEqual([422, 'attachment-type-mismatch']);
  });

  it('lets onMessage refuse the letter before any file is read', async () => {
    const seen = storingRoute(limits, {
      onMessage: async () => {
        throw new ProblemError(422, 'letter-invalid', 'Letter is invalid');
      },
    });
    const answer = await post([message(['application/pdf']), filePart(file('application/pdf', 500 * kib))]);
    expect([answer.status, answer.body.code]).toEqual([422, 'letter-invalid']);
    expect(seen.bytesReceived).toBe(0);
  });

  it.each([
    ['a second form field', [message([]), { name: 'note', content: 'hej' }], 422, 'multipart-unexpected-field'],
    ['a message that is not JSON', [{ name: 'message', content: '{"category":' }], 400, 'multipart-message-invalid'],
    ['a message over 1 MiB', [{ name: 'message', content: 'x'.repeat(mib + 1) }], 413, 'multipart-message-too-large'],
    [
      'a message file over 1 MiB',
      [{ name: 'message', filename: 'l.json', content: ' '.repeat(mib + 1) }],
      413,
      'multipart-message-too-large',
    ],
  ])('refuses %s', async (_case, parts, status, code) => {
    storingRoute(limits);
    const answer = await post(parts as Part[]);
    expect([answer.status, answer.body.code]).toEqual([status, code]);
  });

  it('answers 400 for a body cut off before its closing boundary', async () => {
    storingRoute(limits);
    const answer = await post([message(['application/pdf']), filePart(file('application/pdf', 1000))], {
      complete: false,
    });
    expect([answer.status, answer.body.code]).toEqual([400, 'multipart-malformed']);
  });

  it('answers 415 for a body that is not multipart/form-data', async () => {
    storingRoute(limits);
    const answer = await post([message([])], { contentType: 'text/plain' });
    expect([answer.status, answer.body.code]).toEqual([415, 'unsupported-media-type']);
  });

  it('gives up at once when the client goes away mid-file', async () => {
    const seen = storingRoute(limits, { perChunk: () => sleep(5) });
    const boundary = 'postbud-abort';
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('error', () => undefined);
    for await (const piece of multipartBody(boundary, [message(['application/pdf'])], false)) request.write(piece);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n`);
    request.write(file('application/pdf', 200 * kib));
    await expect.poll(() => seen.bytesReceived).toBeGreaterThan(0);
    request.destroy();
    await expect.poll(() => seen.outcome).toBeInstanceOf(ProblemError);
    expect((seen.outcome as ProblemError).code).toBe('multipart-malformed');
    expect(seen.files).toEqual([]);
  });

  it('keeps memory bounded when a slow handler stores a 30 MiB file', async () => {
    const size = 30 * mib;
    let stored = 0;
    collectGarbage();
    const baseline = process.memoryUsage().arrayBuffers;
    let liveArrayBuffers = 0;
    let socket: import('node:net').Socket | undefined;
    const seen = storingRoute(
      { ...limits, maxFileBytes: 32 * mib },
      {
        perChunk: async (req, chunk) => {
          socket = req.socket;
          stored += chunk.length;
          collectGarbage();
          liveArrayBuffers = Math.max(liveArrayBuffers, process.memoryUsage().arrayBuffers - baseline);
          await sleep(20);
        },
      },
    );
    // Bytes the server has read off the socket but the handler has not yet stored, sampled throughout.
    let buffered = 0;
    const sampler = setInterval(() => {
      if (socket) buffered = Math.max(buffered, socket.bytesRead - stored);
    }, 2);
    const hash = createHash('sha256');
    const bigFile = async function* () {
      const block = randomBytes(64 * kib);
      for (let sent = 0; sent < size; sent += block.length) {
        // A PDF header first and its end-of-file marker last, random blocks between.
        const piece =
          sent === 0
            ? Buffer.concat([Buffer.from('%PDF-1.7\n'), block.subarray(9)])
            : sent + block.length >= size
              ? Buffer.concat([block.subarray(0, block.length - 7), Buffer.from('\n%%EOF\n')])
              : block;
        hash.update(piece);
        yield piece;
      }
    };
    const answer = await post([message(['application/pdf']), filePart(bigFile)]).finally(() => clearInterval(sampler));

    expect(answer).toEqual({ status: 200, body: { fileCount: 1 } });
    expect(seen.files[0]).toMatchObject({ size, sha256: hash.digest('hex') });
    // Read ahead of the handler: socket and parser buffers (about 190 KiB here); ~25 MiB without backpressure.
    expect(buffered).toBeLessThan(2 * mib);
    // Live buffers on both ends of the socket, one 768 KiB storage chunk included (about 3 MiB here).
    expect(liveArrayBuffers).toBeLessThan(8 * mib);
  });
});
