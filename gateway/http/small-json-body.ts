import type { RequestHandler } from 'express';
import { assertPlainUtf8, parseStrictJson, readLimited } from './json-body.ts';
import type { JsonShapeLimits } from './json-rules.ts';
import { discardRest } from './request-drain.ts';

const limitBytes = 1024 * 1024;
/** A mailbox, a client or a misroute report: shallow, and far below these. */
const shape: Readonly<JsonShapeLimits> = Object.freeze({ maxDepth: 16, maxMembers: 10_000 });

/**
 * JSON bodies of everything but letters (and MedCom Bundles, which fhirBody reads): at most
 * 1 MiB, UTF-8 without content coding, parsed strictly like a letter (duplicate keys, odd keys,
 * deep nesting refused before parsing), so a body cannot mean one thing to us and another to a
 * proxy. Other content types and empty bodies pass through untouched.
 */
export const smallJsonBody: RequestHandler = async (req, _res, next) => {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = mediaType === 'application/json' || /^application\/[a-z0-9.-]+\+json$/.test(mediaType);
  const declared = req.headers['content-length'];
  if (!isJson || declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined))
    return next();
  try {
    assertPlainUtf8(req);
    const bytes = await readLimited(req, limitBytes);
    if (bytes.length > 0) req.body = parseStrictJson(bytes, shape);
    next();
  } catch (error) {
    if (!req.complete) discardRest(req, limitBytes);
    next(error);
  }
};
