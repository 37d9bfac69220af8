import type { Request } from 'express';
import { ProblemError } from '../platform/problem.ts';

/** The `Idempotency-Key` a client sent, if any: 1 to 200 visible ASCII characters. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ProblemError(
      400,
      'idempotency-key-invalid',
      'Invalid Idempotency-Key',
      'Use 1 to 200 visible ASCII characters.',
    );
  }
  return key;
}
