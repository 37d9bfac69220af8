import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLetter {
  path: string;
  letterId: string | undefined;
  headers: IncomingHttpHeaders;
  sha256: string;
  bytes: number;
  /** The status the receiver answered (undefined while the answer is held back). */
  answered?: number;
}

/** Decides the answer to the n-th request (1-based); may hold it back by returning a promise. */
export type Responder = (request: ReceivedLetter, n: number) => number | Promise<number>;

/** Plays a receiving system (a hospital, a municipality, a GP clinic) on 127.0.0.1. */
export interface FakeReceiver {
  url: string;
  received: ReceivedLetter[];
  /** How many requests carried this letter id, whatever the answer. */
  countFor(letterId: string): number;
  close(): Promise<void>;
}

export async function startFakeReceiver(respond: Responder = () => 200): Promise<FakeReceiver> {
  const received: ReceivedLetter[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const letterIdHeader = req.headers['x-postbud-letter-id'];
      const request: ReceivedLetter = {
        path: req.url ?? '',
        letterId: typeof letterIdHeader === 'string' ? letterIdHeader : undefined,
        headers: req.headers,
        sha256: hash.digest('hex'),
        bytes,
      };
      received.push(request);
      void Promise.resolve(respond(request, received.length)).then((status) => {
        request.answered = status;
        res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    countFor: (letterId) => received.filter((request) => request.letterId === letterId).length,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
