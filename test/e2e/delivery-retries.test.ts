import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import { killHard, spawnAdapters } from '../support/adapter-process.ts';
import { checkLetterXml } from '../../gateway/medcom/letter-xml-check.ts';
import { testLetter } from '../support/fixtures.ts';
import { fetchLetterXml, sendingOf } from '../support/letter-xml.ts';
import { amqpUrl, startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ retryDelaysMs: [50, 100, 200] });
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(): Promise<string> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function actions(letterId: string): Promise<string[]> {
  const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
  return res.body.events.map((event: { action: string }) => event.action);
}

async function messagesIn(queue: string): Promise<number> {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(queue);
  await connection.close();
  return messageCount;
}

describe('delivery to a receiving system that struggles', () => {
  it('503 twice then 200 → delivered once, both failed attempts in the trail', async () => {
    stack.receiver.script([503, 503, 200]);
    const letterId = await submit();
    await waitForStatus(stack, letterId, 'delivered');
    expect(stack.receiver.deliveriesOf(letterId)).toHaveLength(1);
    expect(await actions(letterId)).toEqual([
      'warning-acknowledged',
      'accepted',
      'queued',
      'delivery-attempt-failed',
      'delivery-attempt-failed',
      'delivered',
    ]);
  });

  it('503 then 200 → the receiver sees two different Bundle.ids and times, the same MessageHeader.id', async () => {
    stack.receiver.script([503, 200]);
    const letterId = await submit();
    await waitForStatus(stack, letterId, 'delivered');
    const attempts = stack.receiver.attempts.filter((attempt) => attempt.letterId === letterId);
    expect(attempts.map((attempt) => attempt.status)).toEqual([503, 200]);
    const sendings = attempts.map((attempt) => sendingOf(attempt.body.toString('utf8')));
    expect(sendings[0]!.messageHeaderId).toBe(letterId);
    expect(sendings[1]!.messageHeaderId).toBe(letterId);
    expect(sendings[0]!.bundleId).not.toBe(sendings[1]!.bundleId);
    expect(sendings[0]!.bundleId).not.toBe(letterId);
    expect(sendings[1]!.timestamp > sendings[0]!.timestamp).toBe(true);
    expect(sendings[1]!.recorded).toBe(sendings[1]!.timestamp);
    for (const attempt of attempts) {
      const check = checkLetterXml(attempt.body.toString('utf8'));
      expect(check.ok ? [] : check.errors).toEqual([]);
    }
    // What the sender reads back is the letter as accepted, not one of its sendings.
    const stored = sendingOf(await fetchLetterXml(stack, letterId, stack.senderKey));
    expect(stored.messageHeaderId).toBe(letterId);
    expect(sendings.map((sending) => sending.bundleId)).not.toContain(stored.bundleId);
  });

  it('503 on every attempt → dead-letter queue and failed', async () => {
    stack.receiver.script([503, 503, 503, 503]);
    const letterId = await submit();
    await waitForStatus(stack, letterId, 'failed');
    expect(stack.receiver.deliveriesOf(letterId)).toHaveLength(0);
    expect(await messagesIn(topologyNames(stack.prefix).deadLetterQueue('municipality'))).toBe(1);
    expect((await actions(letterId)).slice(-4)).toEqual([
      'delivery-attempt-failed',
      'delivery-attempt-failed',
      'delivery-attempt-failed',
      'failed',
    ]);
  });

  it('400 → failed at once, without retries', async () => {
    stack.receiver.script([400]);
    const letterId = await submit();
    await waitForStatus(stack, letterId, 'failed');
    expect((await actions(letterId)).slice(-3)).toEqual(['accepted', 'queued', 'failed']);
  });

  it('an adapter process killed before acking → the letter is delivered exactly once after restart', async () => {
    await stack.stopAdapters();
    const first = spawnAdapters(stack, 'municipality');
    const hold = stack.receiver.holdNext();
    const letterId = await submit();
    await hold.arrived;
    // SIGKILL while the receiver is answering: no receipt, no ack, the message goes back to the queue.
    await killHard(first);
    hold.release(200);
    const second = spawnAdapters(stack, 'municipality');
    try {
      await waitForStatus(stack, letterId, 'delivered');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stack.receiver.deliveriesOf(letterId)).toHaveLength(1);
    } finally {
      await killHard(second);
      await stack.startAdapters();
    }
  });
});
