import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { declareTopology, topologyNames, topologyQueues } from '../../schemas/amqp-topology.ts';
import type { DeliveryReceipt, LetterQueued } from '../../schemas/queue-messages.ts';
import { createQueueSigner, signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import { testQueuePrefix } from './test-names.ts';

export const testAmqpUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A uniquely prefixed copy of the Postbud topology on the real RabbitMQ, with the test's own
 * connection to publish letters and take messages off queues; `cleanup()` deletes it all.
 */
export interface BrokerFixture {
  prefix: string;
  retryDelaysMs: number[];
  names: ReturnType<typeof topologyNames>;
  channel: ConfirmChannel;
  /** Signs as the gateway's relay does, with a key of this fixture's own. */
  signer: QueueSigner;
  publishLetter(letter: LetterQueued, headers?: Record<string, unknown>): Promise<void>;
  /** Unsigned unless `headers` carry a signature. */
  publishRaw(routingKey: string, content: Buffer, headers?: Record<string, unknown>): Promise<void>;
  /** Waits until `count` messages have arrived on `queue` (taken off it, kept for later calls). */
  waitForMessages(queue: string, count: number, timeoutMs?: number): Promise<GetMessage[]>;
  waitForReceipts(count: number, timeoutMs?: number): Promise<DeliveryReceipt[]>;
  /** Ready messages on a queue right now (unacked ones are not counted). */
  readyCount(queue: string): Promise<number>;
  cleanup(): Promise<void>;
}

export async function createBrokerFixture(retryDelaysMs = [50, 100, 200]): Promise<BrokerFixture> {
  const prefix = testQueuePrefix('t');
  const topology = { prefix, retryDelaysMs };
  const connection: ChannelModel = await amqp.connect(testAmqpUrl);
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, topology);
  const names = topologyNames(prefix);
  const taken = new Map<string, GetMessage[]>();
  const signer = createQueueSigner([{ id: 't1', key: randomBytes(32).toString('base64') }]);

  const publish = (routingKey: string, content: Buffer, options: amqp.Options.Publish) =>
    new Promise<void>((resolve, reject) =>
      channel.publish(names.lettersExchange, routingKey, content, options, (error) =>
        error ? reject(error) : resolve(),
      ),
    );

  async function takeAvailable(queue: string): Promise<GetMessage[]> {
    const list = taken.get(queue) ?? [];
    taken.set(queue, list);
    for (
      let message = await channel.get(queue, { noAck: true });
      message;
      message = await channel.get(queue, { noAck: true })
    ) {
      list.push(message);
    }
    return list;
  }

  const fixture: BrokerFixture = {
    prefix,
    retryDelaysMs,
    names,
    channel,
    signer,
    publishLetter: (letter, headers) => {
      const content = Buffer.from(JSON.stringify(letter));
      return publish(letter.sector, content, {
        persistent: true,
        messageId: letter.letterId,
        contentType: 'application/json',
        headers: { [signatureHeader]: signer.sign('LetterQueued', content), ...headers },
      });
    },
    publishRaw: (routingKey, content, headers) =>
      publish(routingKey, content, {
        persistent: true,
        contentType: 'application/json',
        ...(headers ? { headers } : {}),
      }),
    async waitForMessages(queue, count, timeoutMs = 10_000) {
      await waitFor(
        async () => (await takeAvailable(queue)).length >= count,
        `${count} message(s) on ${queue}`,
        timeoutMs,
      );
      return taken.get(queue) ?? [];
    },
    async waitForReceipts(count, timeoutMs) {
      const messages = await fixture.waitForMessages(names.receiptsQueue, count, timeoutMs);
      return messages.map((message) => JSON.parse(message.content.toString('utf8')) as DeliveryReceipt);
    },
    async readyCount(queue) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async cleanup() {
      for (const queue of topologyQueues(topology)) {
        await channel.deleteQueue(queue).catch(() => undefined);
      }
      await channel.deleteExchange(names.lettersExchange).catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
  return fixture;
}
