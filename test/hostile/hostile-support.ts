import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The hostile-input corpus: every case must be answered with a 4xx problem+json carrying a stable
 * code, leave every letter table as it was, and echo none of what was sent.
 */

export const mib = 1024 * 1024;

/** The submitted personal data of `testLetter()`, which no answer may contain. */
export const submittedSecrets = [
  testCpr,
  '250947-9989',
  'Nancy Ann',
  'Berggren',
  'Else Jensen',
  'Patienten udskrives',
  'bostøtten',
];

/** Signs of internals leaking: SQL, stack frames, our source files and paths. */
const internals = [
  /\bSELECT\b/i,
  /\bINSERT INTO\b/i,
  /^\s*at\s/m,
  /\bat \S+ \(/,
  /\/work\//,
  /node_modules/,
  /\.ts:\d+/,
  /\bError:/,
];

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Request body bytes written before the answer arrived. */
  bytesSent?: number;
}

/** Stack options shared by the corpus: no adapters, and rate limits out of the way. */
export function startHostileStack(env: Record<string, string> = {}): Promise<TestStack> {
  return startTestStack({
    adapters: false,
    env: { POSTBUD_RATE_LIMIT_PER_MINUTE: '100000', POSTBUD_RATE_LIMIT_BURST: '10000', ...env },
  });
}

export function expectNoLeak(text: string, alsoSubmitted: string[] = []): void {
  for (const secret of [...submittedSecrets, ...alsoSubmitted]) {
    if (secret.length >= 4) expect(text, 'answer echoes submitted content').not.toContain(secret);
  }
  for (const pattern of internals) expect(text, 'answer shows internals').not.toMatch(pattern);
}

/** Asserts a problem+json refusal with `status` and `code` that stored nothing and leaked nothing. */
export async function expectRefused(
  stack: TestStack,
  before: Record<string, number>,
  answer: Answer,
  status: number,
  code: string,
  alsoSubmitted: string[] = [],
): Promise<void> {
  expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({ status });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code, type: `urn:postbud:problem:${code}` });
  expectNoLeak(answer.text, alsoSubmitted);
  expect(await letterTableCounts(stack.database.db)).toEqual(before);
}

type Body = string | Buffer | (() => AsyncIterable<Buffer>);

/**
 * One request over a fresh connection, the body streamed with backpressure. Resolves with the
 * answer as soon as it is complete, even while the body is still being sent (then the upload is
 * abandoned), which is how a refusal "while streaming" shows.
 */
export function send(
  url: string,
  options: { path?: string; method?: string; headers?: Record<string, string | number>; body?: Body },
): Promise<Answer> {
  const target = new URL(options.path ?? '/v1/messages', url);
  const agent = new http.Agent({ keepAlive: false });
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const request = http.request(
      target,
      { method: options.method ?? 'POST', headers: options.headers, agent },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            bytesSent,
          });
          request.destroy();
          agent.destroy();
        });
        res.on('error', reject);
      },
    );
    // Once the answer has begun, a broken pipe only means the server stopped reading the upload.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const body = options.body;
    if (body === undefined) return void request.end();
    if (typeof body !== 'function') return void request.end(body);
    const source = Readable.from(body());
    source.on('data', (chunk: Buffer) => {
      bytesSent += chunk.length;
    });
    source.pipe(request);
    // The answer can come before the body is through; the rest is then never generated.
    request.on('close', () => source.destroy());
  });
}

export const bearer = (stack: TestStack) => ({ Authorization: `Bearer ${stack.senderKey}` });

export function postJson(
  stack: TestStack,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/v1/messages',
): Promise<Answer> {
  return send(stack.url, { path, headers: { ...bearer(stack), 'Content-Type': 'application/json', ...headers }, body });
}

export const letterText = (overrides: Record<string, unknown> = {}) => JSON.stringify(testLetter(overrides));

/** `count` blocks of `block` bytes, made lazily from one reused buffer: a gigabyte never exists at once. */
export function* repeated(block: Buffer, count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield block;
}

// Garbage collection on demand, so memory figures measure live buffers rather than GC timing.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export interface MemoryGrowth {
  rssMiB: number;
  arrayBuffersMiB: number;
  heapUsedMiB: number;
}

/** Peak growth of RSS, V8 heap and ArrayBuffer memory of this process (client and gateway) while `run` runs. */
export async function measureMemory<T>(run: () => Promise<T>): Promise<{ result: T; growth: MemoryGrowth }> {
  collectGarbage();
  const base = process.memoryUsage();
  let rss = base.rss;
  let arrayBuffers = base.arrayBuffers;
  let heapUsed = base.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers);
    heapUsed = Math.max(heapUsed, now.heapUsed);
  };
  const sampler = setInterval(sample, 5);
  try {
    const result = await run();
    sample();
    return {
      result,
      growth: {
        rssMiB: (rss - base.rss) / mib,
        arrayBuffersMiB: (arrayBuffers - base.arrayBuffers) / mib,
        heapUsedMiB: (heapUsed - base.heapUsed) / mib,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Writes raw bytes to the gateway's port, pieces separated by pauses; resolves when the server closes. */
export function rawExchange(
  port: number,
  pieces: Array<string | Buffer | { pauseMs: number }>,
  maxMs = 10_000,
): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedAfterMs: Date.now() - started });
    };
    const deadline = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`the server kept the connection open for more than ${maxMs} ms`));
    }, maxMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.once('connect', async () => {
      for (const piece of pieces) {
        if (done || socket.destroyed) return;
        if (typeof piece === 'object' && 'pauseMs' in piece) await new Promise((r) => setTimeout(r, piece.pauseMs));
        else socket.write(piece);
      }
    });
  });
}

/** The status, headers and body of a raw HTTP/1.1 answer (the first non-1xx one). */
export function parseRawAnswer(text: string): Answer {
  const answers = text.split(/(?=HTTP\/1\.1 \d{3})/).filter((part) => !/^HTTP\/1\.1 1\d\d/.test(part));
  const answer = answers[0] ?? '';
  const [head = '', ...rest] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, text: rest.join('\r\n\r\n') };
}
