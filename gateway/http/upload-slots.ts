import type { RequestHandler } from 'express';
import { currentClient } from './auth.ts';
import { ProblemError } from '../platform/problem.ts';

/** How many letters may be arriving at once: from one client, and in this process altogether. */
export interface UploadLimits {
  uploadsPerClient: number;
  uploadsTotal: number;
}

/**
 * Slots for letters arriving, shared by every route that takes one in (JSON, multipart, Bundle,
 * reply, forward, the console's compose page). Letters no longer hold a database connection
 * while they arrive, but each still holds memory, a spool file and a socket: one client on a
 * slow line must not take what every other client needs (429), and the process takes in no more
 * at once than it can also deliver (503 `server-busy`, as when the memory for buffered bodies is
 * taken). Without the second limit, at 300 letters/s offered more letters than the gateway's core
 * could handle all waited together (accept p99 2–6 s, end to end 12–14 s) and the adapters'
 * fetches waited behind them. Both are refused before a byte of the body is read. A slot is given
 * back when the answer is sent or the connection closes, whichever comes first.
 */
export class UploadSlots {
  readonly #perClient = new Map<string, number>();
  #total = 0;

  constructor(readonly limits: UploadLimits) {}

  /** Letters arriving now, in this process. */
  get inFlight(): number {
    return this.#total;
  }

  readonly take: RequestHandler = (req, res, next) => {
    const clientId = currentClient(req).id;
    const taken = this.#perClient.get(clientId) ?? 0;
    const refusal = this.#refusal(taken);
    if (refusal) {
      res.setHeader('Retry-After', '1');
      next(refusal);
      return;
    }
    this.#perClient.set(clientId, taken + 1);
    this.#total += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#perClient.get(clientId) ?? 1) - 1;
      if (left === 0) this.#perClient.delete(clientId);
      else this.#perClient.set(clientId, left);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };

  #refusal(takenByClient: number): ProblemError | undefined {
    const { uploadsPerClient, uploadsTotal } = this.limits;
    if (takenByClient >= uploadsPerClient)
      return new ProblemError(
        429,
        'too-many-uploads',
        'Too many letters arriving at once',
        `This client may send ${uploadsPerClient} letters at a time; wait for an answer before sending more.`,
      );
    if (this.#total >= uploadsTotal)
      return new ProblemError(
        503,
        'server-busy',
        'The gateway is taking in as many letters as it can',
        'Nothing was stored. Send the letter again after Retry-After, with the same Idempotency-Key.',
      );
    return undefined;
  }
}

export const uploadSlotsOf = (limits: UploadLimits) => new UploadSlots(limits);
