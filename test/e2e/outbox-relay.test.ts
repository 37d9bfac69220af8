import { createQueueSigner } from '../../schemas/queue-signature.ts';
import amqp from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import { connectBroker } from '../../gateway/platform/broker.ts';
import { relayOnce } from '../../gateway/delivery/outbox-relay.ts';
import { testLetter } from '../support/fixtures.ts';
import { amqpUrl, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the outbox relay', () => {
  it('publishes each letter exactly once while three relays run at the same time', async () => {
    const log = pino({ level: 'silent' });
    const topology = { prefix: stack.prefix, retryDelaysMs: stack.config.retryDelaysMs };
    // Two more "gateway instances" relaying the same outbox, beside the gateway's own relay.
    const brokers = await Promise.all([connectBroker(amqpUrl, topology, log), connectBroker(amqpUrl, topology, log)]);
    let submitting = true;
    const relays = brokers.map(async (broker) => {
      while (
        submitting ||
        (await stack.database.db.query('SELECT 1 FROM outbox WHERE published_at IS NULL')).rowCount
      ) {
        await relayOnce(
          stack.database.db,
          broker,
          { prefix: stack.prefix, signer: createQueueSigner(stack.config.queueSigningKeys) },
          3,
        );
      }
    });
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    submitting = false;
    await Promise.all(relays);
    await Promise.all(brokers.map((broker) => broker.close()));

    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    const published: string[] = [];
    for (;;) {
      const message = await channel.get(topologyNames(stack.prefix).letterQueue('municipality'), { noAck: true });
      if (!message) break;
      published.push(message.properties.messageId as string);
      expect(JSON.parse(message.content.toString())).toMatchObject({
        letterId: message.properties.messageId,
        sector: 'municipality',
      });
    }
    await connection.close();
    expect(published.sort()).toEqual([...ids].sort());

    const statuses = await stack.database.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM letters GROUP BY status',
    );
    expect(statuses.rows).toEqual([{ status: 'queued', n: 30 }]);
    const queuedEvents = await stack.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'queued'",
    );
    expect(queuedEvents.rows[0]!.n).toBe(30);
  });
});
