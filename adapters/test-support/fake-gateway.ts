import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One letter as the fake gateway knows it. */
export interface GatewayLetter {
  xml: Buffer;
  status: string;
  /** Statuses to answer the next XML fetches with before serving the XML (e.g. [503]). */
  xmlFailures?: number[];
  /** How many of the next XML fetches break off halfway through the body (the connection dropped). */
  xmlBreaks?: number;
}

/**
 * Plays the gateway's side of the claim check: `GET /v1/messages/{id}/xml` and
 * `GET /v1/messages/{id}`, both behind the adapter's bearer key.
 */
export interface FakeGateway {
  url: string;
  key: string;
  letters: Map<string, GatewayLetter>;
  /** Letter ids in the order the adapter asked for their status. */
  statusLookups: string[];
  xmlFetches: string[];
  close(): Promise<void>;
}

export async function startFakeGateway(key = 'adapter-test-key'): Promise<FakeGateway> {
  const letters = new Map<string, GatewayLetter>();
  const statusLookups: string[] = [];
  const xmlFetches: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${key}`) {
      res.writeHead(401).end();
      return;
    }
    const match = /^\/v1\/messages\/([0-9a-f-]+)(\/xml)?$/.exec(req.url ?? '');
    const letter = match?.[1] ? letters.get(match[1]) : undefined;
    if (!match?.[1] || !letter) {
      res.writeHead(404).end();
      return;
    }
    if (!match[2]) {
      statusLookups.push(match[1]);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: match[1], status: letter.status }));
      return;
    }
    xmlFetches.push(match[1]);
    const failure = letter.xmlFailures?.shift();
    if (failure !== undefined) {
      res.writeHead(failure).end();
      return;
    }
    // Written in small chunks so the adapter has to stream, as with a large letter.
    res.writeHead(200, {
      'content-type': 'application/fhir+xml; charset=utf-8',
      'postbud-letter-status': letter.status,
    });
    const breaks = (letter.xmlBreaks ?? 0) > 0;
    if (breaks) letter.xmlBreaks! -= 1;
    const end = breaks ? letter.xml.length >> 1 : letter.xml.length;
    for (let offset = 0; offset < end; offset += 16_384) {
      res.write(letter.xml.subarray(offset, Math.min(end, offset + 16_384)));
    }
    if (breaks) res.socket?.destroy();
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key,
    letters,
    statusLookups,
    xmlFetches,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
