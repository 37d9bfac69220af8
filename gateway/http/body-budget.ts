import type { RequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';

/**
 * Bounds the memory that letter bodies with base64 inside may take together. A buffered body
 * (a FHIR Bundle) is held as bytes, then as parsed text, then as decoded and sealed attachments:
 * about `perBodyByte` times its size until it is stored. A JSON letter streams: measured, it
 * holds under its own size; it is counted twice its size, but never more than
 * `streamedJsonHeldBytes` (its spool's memory and what is being sealed and written), however
 * large it is. Each request reserves that much of `budget`
 * before its first byte is read (by Content-Length, or the largest body allowed when it has
 * none) and gives it back when answered; a request that does not fit is told to come back
 * (503 `server-busy`, Retry-After), so a burst of large letters cannot run the gateway out of memory.
 * Multipart letters stream and are not counted. Replies and forwards are read whole (4× too).
 */
export interface BodyBudget {
  /** POST /v1/messages: a JSON letter streams (counted as such), a FHIR Bundle is buffered. */
  letters: RequestHandler;
  /** Bodies read whole whatever their type (replies and forwards). */
  buffered: RequestHandler;
}

export function bodyBudget(options: {
  budget: number;
  maxBodyBytes: number;
  perBodyByte?: number;
  streamedJsonHeldBytes?: number;
}): BodyBudget {
  const perBodyByte = options.perBodyByte ?? 4;
  const streamedCap = options.streamedJsonHeldBytes ?? Number.POSITIVE_INFINITY;
  let reserved = 0;
  const admit =
    (jsonStreams: boolean): RequestHandler =>
    (req, res, next) => {
      if (req.is('multipart/form-data')) {
        next();
        return;
      }
      const declared = Number(req.headers['content-length']);
      const bodyBytes =
        Number.isFinite(declared) && declared >= 0 ? Math.min(declared, options.maxBodyBytes) : options.maxBodyBytes;
      const streamed =
        jsonStreams && (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
      const wanted = streamed ? Math.min(bodyBytes * 2, streamedCap) : bodyBytes * perBodyByte;
      // One request alone always fits, or no large letter could ever be sent.
      if (reserved > 0 && reserved + wanted > options.budget) {
        res.setHeader('Retry-After', '2');
        next(
          new ProblemError(
            503,
            'server-busy',
            'Too many large letters arriving at once',
            'Send the letter again in a moment (with the same Idempotency-Key), or send it as multipart, which streams.',
          ),
        );
        return;
      }
      reserved += wanted;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        reserved -= wanted;
      };
      res.once('finish', release);
      res.once('close', release);
      next();
    };
  return { letters: admit(true), buffered: admit(false) };
}
