import type { Request } from 'express';
import { currentClient } from './auth.ts';

/** Who makes a request, as the access log records a read: client, remote address and request id. */
export function readerOf(req: Request): { clientId: string; remoteAddress: string; requestId: string } {
  return {
    clientId: currentClient(req).id,
    // The peer's address, or the client's as a trusted load balancer forwards it (app.ts).
    remoteAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    requestId: String(req.id),
  };
}
