import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import type { TestStack } from '../support/stack.ts';
import {
  bearer,
  expectRefused,
  letterText,
  measureMemory,
  mib,
  parseRawAnswer,
  rawExchange,
  repeated,
  send,
  startHostileStack,
} from './hostile-support.ts';

let stack: TestStack;
let before: Record<string, number>;
// Short timeouts, so slow clients are cut within a second or two.
const timeouts = { headers: 1000, request: 1500, keepAlive: 500, socket: 3000 };
beforeAll(async () => {
  stack = await startHostileStack({
    POSTBUD_HEADERS_TIMEOUT_MS: String(timeouts.headers),
    POSTBUD_REQUEST_TIMEOUT_MS: String(timeouts.request),
    POSTBUD_KEEP_ALIVE_TIMEOUT_MS: String(timeouts.keepAlive),
    POSTBUD_SOCKET_TIMEOUT_MS: String(timeouts.socket),
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

type Piece = string | Buffer | { pauseMs: number };
/** `text` one byte at a time with a pause after each: a slow-loris client. */
const trickle = (text: string, pauseMs = 100): Piece[] => [...text].flatMap((char) => [char, { pauseMs }]);
const auth = () => `Authorization: Bearer ${stack.senderKey}\r\n`;
const post = (headers: string) => `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth()}${headers}`;

describe('slow-loris clients are cut off by the HTTP timeouts', () => {
  it.each([
    [
      'headers sent one byte every 100 ms',
      (): Piece[] => trickle(post('Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}')),
    ],
    [
      'a body sent one byte every 100 ms',
      (): Piece[] => [post('Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n'), ...trickle(letterText())],
    ],
    [
      'a chunked body sent one chunk every 100 ms',
      (): Piece[] => [
        post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'),
        ...[...letterText()].flatMap((char) => [`1\r\n${char}\r\n`, { pauseMs: 100 }]),
      ],
    ],
    [
      'a multipart body that stalls after its message',
      (): Piece[] => [
        post('Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n'),
        `--b\r\nContent-Disposition: form-data; name="message"\r\n\r\n${letterText({ attachments: [{ title: 'x', contentType: 'application/pdf' }] })}\r\n`,
        { pauseMs: 5000 },
      ],
    ],
  ])('%s → 408 request-timeout, connection closed', async (_name, pieces) => {
    const { text, closedAfterMs } = await rawExchange(stack.gateway.port, pieces(), 10_000);
    await expectRefused(stack, before, parseRawAnswer(text), 408, 'request-timeout');
    expect(closedAfterMs).toBeLessThan(timeouts.request + 2_000);
  });

  it('a connection that sends nothing is closed', async () => {
    const { text, closedAfterMs } = await rawExchange(stack.gateway.port, [{ pauseMs: 8_000 }], 10_000);
    expect(text === '' || parseRawAnswer(text).status === 408).toBe(true);
    expect(closedAfterMs).toBeLessThan(timeouts.socket + 2_000);
  });

  it('an idle keep-alive connection is closed after its request', async () => {
    const { text, closedAfterMs } = await rawExchange(
      stack.gateway.port,
      ['GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n', { pauseMs: 8_000 }],
      10_000,
    );
    expect(parseRawAnswer(text).status).toBe(200);
    expect(closedAfterMs).toBeLessThan(timeouts.keepAlive + 2_000);
  });
});

const bigHeader = `X-Filler: ${'a'.repeat(20 * 1024)}\r\n`;
const manyHeaders = (count: number, size = 12) =>
  Array.from({ length: count }, (_, i) => `X-${String(i).padStart(size - 6, '0')}: v\r\n`).join('');

describe('header floods and malformed HTTP are refused with problem+json', () => {
  it.each([
    ['one 20 KiB header', 431, 'headers-too-large', () => `${post(bigHeader)}\r\n`],
    ['2 000 headers (over 16 KiB together)', 431, 'headers-too-large', () => `${post(manyHeaders(2000))}\r\n`],
    [
      '150 small headers (under 16 KiB)',
      431,
      'headers-too-many',
      () => `${post(manyHeaders(150))}Content-Length: 0\r\n\r\n`,
    ],
    [
      'a 20 KiB URL',
      431,
      'headers-too-large',
      () => `GET /v1/messages/${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ],
    ['a NUL in a header value', 400, 'request-malformed', () => `${post('X-Name: Nancy\0Ann\r\n')}\r\n`],
    ['a space in a header name', 400, 'request-malformed', () => `${post('Bad Header: x\r\n')}\r\n`],
    [
      'Content-Length and Transfer-Encoding together (smuggling)',
      400,
      'request-malformed',
      () => `${post('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n')}\r\n0\r\n\r\n`,
    ],
    [
      'two different Content-Lengths',
      400,
      'request-malformed',
      () => `${post('Content-Length: 4\r\nContent-Length: 5\r\n')}\r\n{}{}`,
    ],
    [
      'a chunk size that is not hex',
      400,
      'request-malformed',
      () => `${post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n')}\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ],
    [
      'Transfer-Encoding other than chunked last',
      400,
      'request-malformed',
      () => `${post('Transfer-Encoding: chunked, identity\r\n')}\r\n0\r\n\r\n`,
    ],
    [
      'TLS bytes on the plain port',
      400,
      'request-malformed',
      () => Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]),
    ],
    ['an unknown HTTP version', 400, 'request-malformed', () => 'GET /v1/messages HTTP/7.3\r\nHost: x\r\n\r\n'],
    ['an obsolete folded header line', 400, 'request-malformed', () => `${post('X-Note: Nancy\r\n Ann\r\n')}\r\n`],
  ])('%s → %i %s', async (_name, status, code, request) => {
    const { text } = await rawExchange(stack.gateway.port, [request()], 10_000);
    await expectRefused(stack, before, parseRawAnswer(text), status, code);
  });

  it.each([
    ['an 8 KiB bearer token', 401, 'unauthenticated', { Authorization: `Bearer ${'A'.repeat(8 * 1024)}` }],
    [
      'a bearer token with the CPR in it',
      401,
      'unauthenticated',
      { Authorization: 'Bearer 2509479989-Nancy-Ann-Berggren' },
    ],
    ['a 300-character Idempotency-Key', 400, 'idempotency-key-invalid', { 'Idempotency-Key': 'k'.repeat(300) }],
    [
      'an Idempotency-Key with spaces and non-ASCII',
      400,
      'idempotency-key-invalid',
      { 'Idempotency-Key': 'Nancy Ann Berggren æøå' },
    ],
  ])('%s → %i %s', async (_name, status, code, headers) => {
    const answer = await send(stack.url, {
      headers: { ...bearer(stack), 'Content-Type': 'application/json', ...headers },
      body: letterText(),
    });
    await expectRefused(stack, before, answer, status, code);
  });
});

describe('large uploads refused from their headers', () => {
  const gigabyte = 1024 * mib;
  const block = Buffer.alloc(64 * 1024, 0x20);
  const lazyGigabyte = async function* () {
    yield* repeated(block, gigabyte / block.length);
  };

  it.each([
    ['Expect: 100-continue with a 1 GB Content-Length', 413, 'body-too-large', { Expect: '100-continue' }],
    ['a 1 GB upload without an API key', 401, 'unauthenticated', { Authorization: '' }],
  ])('%s → %i %s, memory flat', async (_name, status, code, headers) => {
    const { result: answer, growth } = await measureMemory(() =>
      send(stack.url, {
        headers: {
          ...bearer(stack),
          'Content-Type': 'application/json',
          'Content-Length': String(gigabyte),
          ...headers,
        },
        body: lazyGigabyte,
      }),
    );
    await expectRefused(stack, before, answer, status, code);
    console.log(
      `transport 1 GB ${_name}: sent ${(answer.bytesSent! / mib).toFixed(1)} MiB before the answer; growth rss ${growth.rssMiB.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffersMiB.toFixed(1)} MiB`,
    );
    expect(answer.bytesSent!).toBeLessThan(32 * mib);
    expect(growth.arrayBuffersMiB).toBeLessThan(64);
  });
});
