import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { DeliveryReceipt, LetterQueued } from '../../schemas/queue-messages.ts';
import { createQueueSigner, signatureHeader } from '../../schemas/queue-signature.ts';
import { testLetter } from '../support/fixtures.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { amqpUrl, startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Someone who can publish to the broker, but holds no signing key, can neither send a letter
 * to an endpoint of their choosing nor forge what an adapter reports.
 */

let stack: TestStack;
let attacker: TestReceiver;
let connection: ChannelModel;
let channel: ConfirmChannel;
let names: ReturnType<typeof topologyNames>;
const otherKey = createQueueSigner([{ id: 'q1', key: randomBytes(32).toString('base64') }]);

const publish = (exchange: string, routingKey: string, content: Buffer, headers: Record<string, unknown>) =>
  new Promise<void>((resolve, reject) =>
    channel.publish(exchange, routingKey, content, { persistent: true, headers }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );

/** A letter stored and published, whose genuine message was then taken off the queue: it stays `queued`. */
async function queuedLetter(): Promise<{ id: string; sector: Sector; ean: string; sorId: string }> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(res.status).toBe(202);
  const { id, recipient } = res.body as { id: string; recipient: { sector: Sector; ean: string; sorId: string } };
  await waitForStatus(stack, id, 'queued');
  await channel.purgeQueue(names.letterQueue(recipient.sector));
  return { id, sector: recipient.sector, ean: recipient.ean, sorId: recipient.sorId };
}

async function dlqCount(sector: Sector): Promise<number> {
  return (await channel.checkQueue(names.deadLetterQueue(sector))).messageCount;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  attacker = await startTestReceiver();
  names = topologyNames(stack.prefix);
  connection = await amqp.connect(amqpUrl);
  channel = await connection.createConfirmChannel();
});
afterAll(async () => {
  await connection?.close();
  await attacker?.close();
  await stack?.stop();
});

describe('letter messages', () => {
  it('does not deliver an unsigned or wrongly signed message to the endpoint it names; it is dead-lettered', async () => {
    const letter = await queuedLetter();
    const forged: LetterQueued = {
      letterId: letter.id,
      sector: letter.sector,
      recipient: { sorId: letter.sorId, ean: letter.ean, endpoint: `${attacker.url}/stolen` },
      xmlPath: `/v1/messages/${letter.id}/xml`,
    };
    const content = Buffer.from(JSON.stringify(forged));
    const before = await dlqCount(letter.sector);
    await publish(names.lettersExchange, letter.sector, content, {});
    await publish(names.lettersExchange, letter.sector, content, {
      [signatureHeader]: otherKey.sign('LetterQueued', content),
    });
    // Signed by the gateway, but for a receipt: the kind is part of the signature.
    const gateway = createQueueSigner(stack.config.queueSigningKeys);
    await publish(names.lettersExchange, letter.sector, content, {
      [signatureHeader]: gateway.sign('DeliveryReceipt', content),
    });
    await stack.startAdapters();
    await until(async () => (await dlqCount(letter.sector)) === before + 3, 'three dead letters');
    const dead = await channel.get(names.deadLetterQueue(letter.sector), { noAck: true });
    expect(dead && String(dead.properties.headers?.['x-postbud-dead-letter-reason'])).toMatch(/signature/);
    expect(attacker.received).toEqual([]);
    expect((await waitForStatus(stack, letter.id, 'queued')).status).toBe('queued');
    await stack.stopAdapters();
  });

  it('delivers what the relay signed', async () => {
    await stack.startAdapters();
    const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    await waitForStatus(stack, res.body.id as string, 'delivered');
    expect(stack.receiver.received.some((letter) => letter.letterId === res.body.id)).toBe(true);
    await stack.stopAdapters();
  });
});

describe('receipts', () => {
  const receiptFor = (letter: { id: string; sector: Sector }): Buffer => {
    const receipt: DeliveryReceipt = {
      letterId: letter.id,
      sector: letter.sector,
      outcome: 'delivered',
      attempt: 1,
      endpoint: 'receiver.example',
      at: new Date().toISOString(),
    };
    return Buffer.from(JSON.stringify(receipt));
  };

  it("leaves a letter's state alone for a forged receipt, and records a signed one", async () => {
    const letter = await queuedLetter();
    const content = receiptFor(letter);
    await publish('', names.receiptsQueue, content, {});
    await publish('', names.receiptsQueue, content, { [signatureHeader]: otherKey.sign('DeliveryReceipt', content) });
    await until(
      async () => (await channel.checkQueue(names.receiptsQueue)).messageCount === 0,
      'the receipts consumed',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await waitForStatus(stack, letter.id, 'queued')).status).toBe('queued');
    const events = await stack.api().get(`/v1/messages/${letter.id}/events`).auth(stack.senderKey, { type: 'bearer' });
    expect(events.body.events.map((event: { action: string }) => event.action)).not.toContain('delivered');

    // The same receipt signed with the shared key is an adapter's report: it counts.
    const gateway = createQueueSigner(stack.config.queueSigningKeys);
    await publish('', names.receiptsQueue, content, { [signatureHeader]: gateway.sign('DeliveryReceipt', content) });
    await waitForStatus(stack, letter.id, 'delivered');
  });
});
