import type { ErrorRequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';

/**
 * Failed authentications are limited per remote address: past `perMinute` in a minute, an
 * unknown key is answered `429` with `Retry-After` instead of `401`. A valid key always passes,
 * so clients behind the same proxy or load balancer as a guesser keep working (and with 256-bit
 * keys the limit is about load and noise, not odds). Kept in this process's memory, like the
 * other rate limits.
 */
export function failedAuthenticationLimit(perMinute: number): ErrorRequestHandler {
  const failures = new Map<string, { windowStart: number; count: number }>();
  const windowMs = 60_000;
  return (error, req, res, next) => {
    if (!(error instanceof ProblemError) || error.code !== 'unauthenticated') return next(error);
    const address = req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const previous = failures.get(address);
    const entry =
      previous && now - previous.windowStart < windowMs
        ? { windowStart: previous.windowStart, count: previous.count + 1 }
        : { windowStart: now, count: 1 };
    if (failures.size > 100_000) failures.clear(); // bounded memory under a spray of addresses
    failures.set(address, entry);
    if (entry.count <= perMinute) return next(error);
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((entry.windowStart + windowMs - now) / 1000))));
    next(
      new ProblemError(
        429,
        'too-many-failed-authentications',
        'Too many failed authentications',
        'Wait before trying another key.',
      ),
    );
  };
}
