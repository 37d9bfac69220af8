import type { ErrorRequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';

/** Error codes of a connection that failed or broke (Node sockets, PostgreSQL SQLSTATE). */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const connectionErrorMessages =
  /timeout exceeded when trying to connect|Connection terminated|connection error|Channel (closed|ended)|Connection closed/i;

export function isDependencyFailure(error: unknown): boolean {
  if (!error || typeof error !== 'object' || error instanceof ProblemError) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || /^08/.test(code))) return true;
  return typeof message === 'string' && connectionErrorMessages.test(message);
}

/**
 * While PostgreSQL or RabbitMQ is unreachable, a request that needed it is answered
 * 503 `dependency-unavailable` (problem+json, `Retry-After`) rather than 500, so clients retry.
 * It fails fast: a refused connection errors at once and the pool gives up connecting after 5 s.
 */
export const dependencyProblems: ErrorRequestHandler = (error, req, _res, next) => {
  if (!isDependencyFailure(error)) return next(error);
  req.log?.warn(
    { err: { type: (error as Error).constructor?.name, code: (error as { code?: unknown }).code } },
    'dependency unavailable',
  );
  next(
    new ProblemError(
      503,
      'dependency-unavailable',
      'A service the gateway depends on is unavailable',
      'The database or message broker cannot be reached just now; retry shortly.',
      { retryAfterSeconds: 5 },
    ),
  );
};
