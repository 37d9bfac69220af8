import type { RequestHandler } from 'express';
import { currentClient } from './auth.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * At most `perClient` letters arriving at once from one client. Letters no longer hold a database
 * connection while they arrive, but each still holds memory, a spool file and a socket: one
 * client on a slow line must not take what every other client needs. The slot is given back
 * when the answer is sent or the connection closes, whichever comes first.
 */
export function uploadSlots(perClient: number): RequestHandler {
  const inFlight = new Map<string, number>();
  return (req, res, next) => {
    const clientId = currentClient(req).id;
    const taken = inFlight.get(clientId) ?? 0;
    if (taken >= perClient) {
      res.setHeader('Retry-After', '1');
      next(
        new ProblemError(
          429,
          'too-many-uploads',
          'Too many letters arriving at once',
          `This client may send ${perClient} letters at a time; wait for an answer before sending more.`,
        ),
      );
      return;
    }
    inFlight.set(clientId, taken + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(clientId) ?? 1) - 1;
      if (left === 0) inFlight.delete(clientId);
      else inFlight.set(clientId, left);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
