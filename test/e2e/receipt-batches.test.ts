import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { DeliveryReceipt } from '../../schemas/queue-messages.ts';
import { createQueueSigner, signatureHeader } from '../../schemas/queue-signature.ts';
import { testLetter } from '../support/fixtures.ts';
import { amqpUrl, startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * The gateway records adapter receipts a batch at a time. A burst of receipts, published faster
 * than they are recorded, must end exactly as if each had been recorded on its own: every
 * attempt once, each letter moved once with one event, repeats and unknown letters changing nothing.
 */

let stack: TestStack;
let connection: ChannelModel;
let channel: ConfirmChannel;
let names: ReturnType<typeof topologyNames>;
let sign: (content: Buffer) => string;

type Queued = { id: string; sector: Sector };

async function queuedLetter(): Promise<Queued> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(res.status).toBe(202);
  const { id, recipient } = res.body as { id: string; recipient: { sector: Sector } };
  await waitForStatus(stack, id, 'queued');
  return { id, sector: recipient.sector };
}

/** Eight at a time: a client has at most 16 uploads in flight (POSTBUD_UPLOADS_PER_CLIENT). */
async function queuedLetters(count: number): Promise<Queued[]> {
  const letters: Queued[] = [];
  while (letters.length < count)
    letters.push(...(await Promise.all(Array.from({ length: Math.min(8, count - letters.length) }, queuedLetter))));
  return letters;
}

function receipt(letter: Queued, outcome: DeliveryReceipt['outcome'], attempt: number): DeliveryReceipt {
  return {
    letterId: letter.id,
    sector: letter.sector,
    outcome,
    attempt,
    endpoint: 'receiver.example',
    ...(outcome === 'delivered' ? { httpStatus: 200 } : { httpStatus: 503, error: 'HTTP 503' }),
    durationMs: 3,
    at: new Date().toISOString(),
  };
}

async function publishAll(receipts: DeliveryReceipt[]): Promise<void> {
  for (const r of receipts) {
    const content = Buffer.from(JSON.stringify(r));
    channel.publish('', names.receiptsQueue, content, {
      persistent: true,
      headers: { [signatureHeader]: sign(content) },
    });
  }
  await channel.waitForConfirms();
}

async function consumed(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { messageCount } = await channel.checkQueue(names.receiptsQueue);
    if (messageCount === 0) return;
    if (Date.now() > deadline) throw new Error('receipts not consumed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function attemptsOf(letterId: string): Promise<string[]> {
  const { rows } = await stack.database.db.query<{ attempt: number; outcome: string }>(
    'SELECT attempt, outcome FROM delivery_attempts WHERE letter_id = $1 ORDER BY attempt, outcome',
    [letterId],
  );
  return rows.map((row) => `${row.attempt} ${row.outcome}`);
}

async function eventsOf(letterId: string): Promise<string[]> {
  const { rows } = await stack.database.db.query<{ action: string; actor: string }>(
    `SELECT action, actor_name AS actor FROM audit_events
     WHERE letter_id = $1 AND actor_name LIKE 'adapter:%' ORDER BY id`,
    [letterId],
  );
  return rows.map((row) => `${row.action} by ${row.actor}`);
}

async function statusOf(letterId: string): Promise<string> {
  const { rows } = await stack.database.db.query<{ status: string }>('SELECT status FROM letters WHERE id = $1', [
    letterId,
  ]);
  return rows[0]!.status;
}

beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  names = topologyNames(stack.prefix);
  connection = await amqp.connect(amqpUrl);
  channel = await connection.createConfirmChannel();
  const signer = createQueueSigner(stack.config.queueSigningKeys);
  sign = (content) => signer.sign('DeliveryReceipt', content);
});
afterAll(async () => {
  await connection?.close();
  await stack?.stop();
});

describe('receipts recorded in batches', () => {
  it('ends a burst of receipts as one by one would: each attempt once, each move once, repeats and strangers ignored', async () => {
    const letters = await queuedLetters(6);
    // No adapter runs: the letters' queue messages stay unread, only these receipts arrive.
    const [retried, repeated, dead, plain, failedLate, another] = letters as [
      Queued,
      Queued,
      Queued,
      Queued,
      Queued,
      Queued,
    ];
    const stranger: Queued = { id: randomUUID(), sector: 'region' };
    const burst: DeliveryReceipt[] = [
      receipt(retried, 'attempt-failed', 1),
      receipt(repeated, 'delivered', 1),
      receipt(retried, 'delivered', 2),
      receipt(repeated, 'delivered', 1), // the broker redelivering a report
      receipt(dead, 'attempt-failed', 1),
      receipt(stranger, 'delivered', 1),
      receipt(dead, 'failed', 2),
      receipt(plain, 'delivered', 1),
      receipt(plain, 'delivered', 2), // delivered twice (a redelivered message): moved once
      receipt(failedLate, 'delivered', 1),
      receipt(failedLate, 'failed', 2), // a letter already delivered is not moved back
      receipt(another, 'delivered', 1),
    ];
    // Enough of them that several arrive while a batch is being recorded.
    const padding = await queuedLetters(40);
    await publishAll([...burst, ...padding.map((letter) => receipt(letter, 'delivered', 1))]);
    await consumed();
    await waitForStatus(stack, padding.at(-1)!.id, 'delivered');
    await waitForStatus(stack, dead.id, 'failed');

    const actor = (letter: { sector: Sector }) => `adapter:${letter.sector}`;
    expect(await statusOf(retried.id)).toBe('delivered');
    expect(await attemptsOf(retried.id)).toEqual(['1 attempt-failed', '2 delivered']);
    expect(await eventsOf(retried.id)).toEqual([
      `delivery-attempt-failed by ${actor(retried)}`,
      `delivered by ${actor(retried)}`,
    ]);

    expect(await attemptsOf(repeated.id)).toEqual(['1 delivered']);
    expect(await eventsOf(repeated.id)).toEqual([`delivered by ${actor(repeated)}`]);

    expect(await statusOf(dead.id)).toBe('failed');
    expect(await eventsOf(dead.id)).toEqual([`delivery-attempt-failed by ${actor(dead)}`, `failed by ${actor(dead)}`]);

    expect(await statusOf(failedLate.id)).toBe('delivered');
    expect(await attemptsOf(failedLate.id)).toEqual(['1 delivered', '2 failed']);
    expect(await eventsOf(failedLate.id)).toEqual([`delivered by ${actor(failedLate)}`]);

    expect(await attemptsOf(plain.id)).toEqual(['1 delivered', '2 delivered']);
    expect(await attemptsOf(stranger.id)).toEqual([]);
    for (const letter of [plain, another, ...padding]) {
      expect(await statusOf(letter.id)).toBe('delivered');
      expect(await eventsOf(letter.id)).toHaveLength(1);
    }
    const { rows } = await stack.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'delivered'",
    );
    const deliveredOnce = [retried, repeated, plain, failedLate, another, ...padding];
    expect(rows[0]!.n).toBe(deliveredOnce.length);
  });
});
