import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { sectors } from '../schemas/categories.ts';

export interface DemoReceiver {
  port: number;
  /** Base URL; a sector's endpoint is `${url}/${sector}`. */
  url: string;
  close(): Promise<void>;
}

const paths = new Set(sectors.map((sector) => `/${sector}`));

/**
 * A stand-in receiving system for development: accepts every letter at `/region`,
 * `/municipality` or `/gp` with 200. It logs the letter id, byte count and SHA-256 only — the
 * body is patient data and is never logged or kept.
 */
export function startDemoReceiver(port: number, log: Logger): Promise<DemoReceiver> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!paths.has(path)) {
      res.writeHead(404).end();
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      req.resume();
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      log.info(
        { letterId: req.headers['x-postbud-letter-id'], sector: path.slice(1), bytes, sha256: hash.digest('hex') },
        'demo receiver got a letter',
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
    req.on('error', () => res.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = pino({ name: 'postbud-demo-receiver', level: process.env.LOG_LEVEL ?? 'info' });
  const receiver = await startDemoReceiver(Number(process.env.DEMO_RECEIVER_PORT ?? 8090), log);
  log.info({ url: receiver.url }, 'demo receiver listening');
  const stop = () => void receiver.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
