import type { Request } from 'express';
import { currentClient } from './auth.ts';

/** Who makes a request, as the access log records a read: client, remote address and request id. */
export function readerOf(req: Request): { clientId: string; remoteAddress: string; requestId: string } {
  return {
    clientId: currentClient(req).id,
    // Proxies are not trusted (app.ts): the address is the peer's, never a forwarded header.
    remoteAddress: req.socket.remoteAddress ?? 'unknown',
    requestId: String(req.id),
  };
}
