import type { RequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';

/**
 * Bounds the memory that buffered letter bodies (JSON and FHIR, base64 inside) may take together.
 * Such a body is held as bytes, then as parsed text, then as decoded and sealed attachments: about
 * `perBodyByte` times its size until it is stored. Each request reserves that much of `budget`
 * before its first byte is read (by Content-Length, or the largest body allowed when it has
 * none) and gives it back when answered; a request that does not fit is told to come back
 * (503 `server-busy`, Retry-After), so a burst of large letters cannot run the gateway out of memory.
 * Multipart letters stream and are not counted.
 */
export function bodyBudget(options: { budget: number; maxBodyBytes: number; perBodyByte?: number }): RequestHandler {
  const perBodyByte = options.perBodyByte ?? 4;
  let reserved = 0;
  return (req, res, next) => {
    if (req.is('multipart/form-data')) {
      next();
      return;
    }
    const declared = Number(req.headers['content-length']);
    const bodyBytes =
      Number.isFinite(declared) && declared >= 0 ? Math.min(declared, options.maxBodyBytes) : options.maxBodyBytes;
    const wanted = bodyBytes * perBodyByte;
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
}
