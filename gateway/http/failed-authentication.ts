import type { ErrorRequestHandler } from 'express';
import type { Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { SharedTokenBuckets } from './rate-limit-store.ts';

/**
 * Failed authentications are limited per remote address: past `perMinute` (refilled at that rate),
 * an unknown key is answered `429` with `Retry-After` instead of `401`. A valid key always passes,
 * so clients behind the same untrusted proxy as a guesser keep working (and with 256-bit
 * keys the limit is about load and noise, not odds). Kept in PostgreSQL like the other rate
 * limits, so a guesser cannot multiply the budget by the number of gateway instances.
 */
export function failedAuthenticationLimit(db: Db, perMinute: number): ErrorRequestHandler {
  const failures = new SharedTokenBuckets(db, perMinute, perMinute);
  return (error, req, res, next) => {
    if (!(error instanceof ProblemError) || error.code !== 'unauthenticated') return next(error);
    // Behind a trusted load balancer (POSTBUD_TRUST_PROXY) the client's address, not the balancer's.
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    failures.take(`auth:${address}`).then(
      (outcome) => {
        if (outcome.allowed) return next(error);
        res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        next(
          new ProblemError(
            429,
            'too-many-failed-authentications',
            'Too many failed authentications',
            'Wait before trying another key.',
          ),
        );
      },
      // Without the database the 401 stands: the request was refused either way.
      () => next(error),
    );
  };
}
