import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { LetterBody } from './letters.ts';

/** One submission as the clinical system saw it; times are `performance.now()` in ms. */
export interface Submission {
  status: number;
  letterId: string | undefined;
  /** When the request was meant to go out (open loop) or went out (closed loop). */
  sentAt: number;
  answeredAt: number;
}

export interface Submitter {
  submit(body: LetterBody, sentAt?: number): Promise<Submission>;
  close(): void;
}

/**
 * POSTs letters over keep-alive connections with node:http, the cheapest client there is, so the
 * load generator takes as little of the machine as it can. Every letter has its own
 * Idempotency-Key, as a well-behaved clinical system sends it.
 */
export function createSubmitter(url: string, senderKey: string): Submitter {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const target = new URL('/v1/messages', url);
  return {
    submit(body, sentAt = performance.now()) {
      return new Promise((resolve) => {
        const req = request(
          target,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${senderKey}`,
              'content-type': body.contentType,
              'content-length': body.bytes.length,
              'idempotency-key': randomUUID(),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const answeredAt = performance.now();
              let letterId: string | undefined;
              if (res.statusCode === 202) {
                letterId = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id;
              }
              resolve({ status: res.statusCode ?? 0, letterId, sentAt, answeredAt });
            });
            res.on('error', () => resolve({ status: 0, letterId: undefined, sentAt, answeredAt: performance.now() }));
          },
        );
        req.on('error', () => resolve({ status: 0, letterId: undefined, sentAt, answeredAt: performance.now() }));
        req.end(body.bytes);
      });
    },
    close: () => agent.destroy(),
  };
}

/** `clients` each send the next letter as soon as the last one was answered, for `durationMs`. */
export async function closedLoop(
  submitter: Submitter,
  body: LetterBody,
  clients: number,
  durationMs: number,
): Promise<Submission[]> {
  const results: Submission[] = [];
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) results.push(await submitter.submit(body));
    }),
  );
  return results;
}

export interface OpenLoopResult {
  submissions: Submission[];
  /** Sends skipped because `maxInFlight` requests were already waiting: the stack fell far behind. */
  skipped: number;
  /** The largest number of requests waiting for an answer at once. */
  peakInFlight: number;
}

/**
 * Letters at a fixed rate whatever the answers, as many independent clinical systems send them.
 * Latency counts from when a letter was due, not from when it went out, so a stalled generator
 * cannot hide a slow stack (coordinated omission).
 */
export async function openLoop(
  submitter: Submitter,
  body: LetterBody,
  perSecond: number,
  durationMs: number,
  maxInFlight = 2_000,
): Promise<OpenLoopResult> {
  const pending: Array<Promise<Submission>> = [];
  const start = performance.now();
  const total = Math.floor((perSecond * durationMs) / 1000);
  let inFlight = 0;
  let peakInFlight = 0;
  let skipped = 0;
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight >= maxInFlight) {
      skipped += 1;
      continue;
    }
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    pending.push(
      submitter.submit(body, due).finally(() => {
        inFlight -= 1;
      }),
    );
  }
  return { submissions: await Promise.all(pending), skipped, peakInFlight };
}
