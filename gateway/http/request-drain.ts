import type { IncomingMessage } from 'node:http';

/**
 * After a refusal, reads and discards up to `capBytes` more of what the client sends, so it can
 * read the answer (closing with its bytes unread would reset the connection and could lose the
 * answer in transit); a client that keeps sending beyond that is cut off.
 */
export function discardRest(req: IncomingMessage, capBytes: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > capBytes) req.destroy();
  });
  req.resume();
}
