import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';
import { discardRest } from './request-drain.ts';
import {
  checkKey,
  fhirJsonShape,
  keyGrammar,
  letterJsonShape,
  malformed,
  nulProblem,
  requestAborted,
  tooComplex,
  tooDeep,
  tooLarge,
  unsafeText,
  type JsonShapeLimits,
} from './json-rules.ts';

function closingQuote(bytes: Buffer, opening: number): number {
  for (let at = bytes.indexOf(0x22, opening + 1); at !== -1; at = bytes.indexOf(0x22, at + 1)) {
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

const isWhitespace = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Walks JSON text without building it: nesting depth, member count, duplicate and unexpected
 * keys. Runs before JSON.parse, which takes the last of duplicate keys silently (a letter must not
 * mean one thing to us and another to a proxy) and would build whatever size and depth it is given.
 * Syntax errors are left for JSON.parse to report.
 */
export function checkJsonShape(bytes: Buffer, limits: JsonShapeLimits = letterJsonShape): void {
  const open: Array<Set<string> | undefined> = []; // a key set per open object, undefined per array
  let members = 0;
  const countMember = () => {
    members += 1;
    if (members > limits.maxMembers) throw tooComplex(limits);
  };
  for (let at = 0; at < bytes.length; at += 1) {
    const byte = bytes[at];
    if (byte === 0x22) {
      const end = closingQuote(bytes, at);
      if (end === -1) return;
      const keys = open.at(-1);
      let next = end + 1;
      while (isWhitespace(bytes[next])) next += 1;
      if (keys && bytes[next] === 0x3a) {
        let key: unknown;
        try {
          key = JSON.parse(bytes.toString('utf8', at, end + 1));
        } catch {
          return;
        }
        if (typeof key !== 'string') throw malformed('The body is not valid JSON.');
        checkKey(key, keys, limits);
        countMember();
      }
      at = end;
    } else if (byte === 0x7b || byte === 0x5b) {
      open.push(byte === 0x7b ? new Set() : undefined);
      if (open.length > limits.maxDepth) throw tooDeep(limits);
      if (byte === 0x5b) {
        let next = at + 1;
        while (isWhitespace(bytes[next])) next += 1;
        if (bytes[next] !== 0x5d) countMember(); // the first element; commas count the rest
      }
    } else if (byte === 0x7d || byte === 0x5d) {
      open.pop();
    } else if (byte === 0x2c && open.length > 0 && open.at(-1) === undefined) {
      countMember();
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a letter's JSON strictly: valid UTF-8, a sane shape, then JSON.parse. */
export function parseStrictJson(bytes: Buffer, limits: JsonShapeLimits = letterJsonShape): unknown {
  if (bytes.length === 0)
    throw new ProblemError(400, 'body-empty', 'Request body is empty', 'Send the letter as a JSON object.');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed('The body is not valid UTF-8.');
  }
  checkJsonShape(bytes, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the body, so it is not passed on.
    throw malformed('The body is not valid JSON.');
  }
  assertNoNul(parsed);
  return parsed;
}

/** PostgreSQL text and XML cannot hold U+0000, and C code downstream would cut a value at it. */
function assertNoNul(value: unknown): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw nulProblem();
  } else if (Array.isArray(value)) {
    for (const item of value) assertNoNul(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw nulProblem();
      assertNoNul(item);
    }
  }
}

/**
 * Refuses text a receiver would show differently from what was sent. `skip` names paths checked
 * elsewhere (attachment titles are sanitised, base64 data is decoded strictly). Paths in the
 * answer are built from schema keys only, never from values.
 */
export function assertSafeText(value: unknown, skip: (path: string) => boolean = () => false, path = ''): void {
  if (typeof value === 'string') {
    if (!skip(path) && unsafeText.test(value)) {
      throw new ProblemError(
        422,
        'text-invalid-characters',
        'Text contains characters that are not allowed',
        `${path || '/'} contains control, bidi-override or unpaired surrogate characters.`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => assertSafeText(item, skip, `${path}/${index}`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      assertSafeText(item, skip, `${path}/${keyGrammar.test(key) ? key : '…'}`);
  }
}

/** Attachment titles are sanitised and data decoded strictly; every other letter string is checked. */
export const letterTextSkipped = (path: string) => /^\/attachments\/\d+\/(title|data)$/.test(path);

function unsupportedEncoding(detail: string): ProblemError {
  return new ProblemError(415, 'body-encoding-unsupported', 'Unsupported body encoding', detail);
}

/** Only UTF-8 and no content coding: a compressed body could inflate far past the limit. */
export function assertPlainUtf8(req: IncomingMessage): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw unsupportedEncoding('Send the body as UTF-8.');
  if (coding !== 'identity') throw unsupportedEncoding('Send the body without Content-Encoding.');
}

/** Reads the body up to `limitBytes`, refusing as soon as the declared or received size passes it. */
export function readLimited(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(limitBytes));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onClose = () => {
      cleanup();
      reject(requestAborted());
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}

/** A MedCom message as posted: FHIR XML as text, FHIR JSON parsed (strictly, duplicate keys refused). */
export type FhirBody = { fhir: 'xml'; text: string } | { fhir: 'json'; json: unknown };

export const fhirMediaTypes = ['application/fhir+xml', 'application/fhir+json'] as const;

/**
 * A MedCom Bundle's body (`application/fhir+xml` or `application/fhir+json`), read whole: refused
 * with 413 while streaming (or at once from Content-Length), only UTF-8 and no content coding,
 * FHIR JSON strictly parsed. Sets `req.body` to a FhirBody; other content types pass through.
 */
export function fhirBody(limitBytes: number): RequestHandler {
  return async (req, _res, next) => {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(fhirMediaTypes as readonly string[]).includes(mediaType)) return next();
    try {
      assertPlainUtf8(req);
      const bytes = await readLimited(req, limitBytes);
      if (mediaType === 'application/fhir+json') {
        const json = parseStrictJson(bytes, fhirJsonShape);
        assertSafeText(json, (path) => path.endsWith('/data'));
        req.body = { fhir: 'json', json } satisfies FhirBody;
      } else {
        if (bytes.length === 0) throw new ProblemError(400, 'body-empty', 'Request body is empty');
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          throw malformed('The body is not valid UTF-8.');
        }
        req.body = { fhir: 'xml', text } satisfies FhirBody;
      }
      next();
    } catch (error) {
      if (!req.complete) discardRest(req, limitBytes);
      next(error);
    }
  };
}
