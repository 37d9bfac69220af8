import type { IncomingMessage } from 'node:http';
import { ProblemError } from '../platform/problem.ts';
import { requestAborted, tooLarge } from './json-rules.ts';
import { discardRest } from './request-drain.ts';

/**
 * Hands the body to `onChunk` piece by piece, reading the next piece only once the last one is
 * dealt with, so a slow consumer slows the client rather than filling memory. Refuses as soon as
 * the declared or received size passes `limitBytes`; after any refusal the rest is discarded, so
 * the client can read the answer. A body over the limit is refused as such whatever is in it: when
 * its size was not declared, a fault `onChunk` finds is answered only once the body has ended
 * within the limit.
 */
export async function readStreaming(
  req: IncomingMessage,
  limitBytes: number,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  try {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limitBytes) throw tooLarge(limitBytes);
    let received = 0;
    let fault: unknown;
    let chunks: AsyncIterable<Buffer>;
    try {
      chunks = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
    } catch {
      throw requestAborted();
    }
    const iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch {
        throw requestAborted();
      }
      if (next.done) break;
      received += next.value.length;
      if (received > limitBytes) {
        await iterator.return?.();
        throw tooLarge(limitBytes);
      }
      if (fault !== undefined) continue;
      try {
        await onChunk(next.value);
      } catch (error) {
        fault = error;
        if (Number.isNaN(declared) && error instanceof ProblemError && error.status !== 413) continue;
        await iterator.return?.();
        throw error;
      }
    }
    if (!req.complete) throw requestAborted();
    if (fault !== undefined) throw fault;
  } catch (error) {
    if (!req.complete) discardRest(req, limitBytes);
    throw error;
  }
}
