import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLetter {
  sector: string;
  letterId: string | undefined;
  idempotencyKey: string | undefined;
  contentType: string | undefined;
  body: Buffer;
  /** `performance.now()` when the 2xx answer reached the sender. */
  receivedAt: number;
}

export interface TestReceiverOptions {
  /** Keep each letter's body (default); a benchmark counts letters and drops the bytes. */
  keepBodies?: boolean;
}

/**
 * A receiving system for tests: records every POST and answers with the next status from a
 * script (200 once the script runs out). `holdNext` keeps the next answer back until released.
 */
export interface TestReceiver {
  url: string;
  received: ReceivedLetter[];
  /** Every POST that arrived, answered 2xx or not, with the status it was answered. */
  attempts: Array<ReceivedLetter & { status: number }>;
  script(statuses: number[]): void;
  holdNext(): { arrived: Promise<void>; release(status?: number): void };
  deliveriesOf(letterId: string): ReceivedLetter[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestReceiver(options: TestReceiverOptions = {}): Promise<TestReceiver> {
  const keepBodies = options.keepBodies ?? true;
  const received: ReceivedLetter[] = [];
  const attempts: Array<ReceivedLetter & { status: number }> = [];
  let scripted: number[] = [];
  let held: { arrived: () => void; wait: Promise<number> } | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (keepBodies) chunks.push(chunk);
    });
    req.on('end', async () => {
      const letter: ReceivedLetter = {
        sector: (req.url ?? '/').slice(1),
        letterId: req.headers['x-postbud-letter-id'] as string | undefined,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks),
        receivedAt: 0,
      };
      const hold = held;
      held = undefined;
      let status = scripted.shift() ?? 200;
      if (hold) {
        hold.arrived();
        status = await hold.wait;
      }
      // A letter counts as received once its 2xx answer reached the sender: if the adapter died
      // meanwhile, the answer never arrives and the receiving system treats it as not received.
      res.on('finish', () => {
        letter.receivedAt = performance.now();
        if (status >= 200 && status < 300) received.push(letter);
      });
      attempts.push({ ...letter, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    attempts,
    script(statuses) {
      scripted = [...statuses];
    },
    holdNext() {
      let arrived!: () => void;
      let release!: (status: number) => void;
      const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
      held = { arrived, wait: new Promise<number>((resolve) => (release = resolve)) };
      return { arrived: arrivedPromise, release: (status = 200) => release(status) };
    },
    deliveriesOf: (letterId) => received.filter((letter) => letter.letterId === letterId),
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} letters in time`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
