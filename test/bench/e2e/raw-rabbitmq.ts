import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { amqpUrl } from '../../support/stack.ts';
import { perSecond } from './stats.ts';

export interface RawRabbitMq {
  /** Persistent 2 KB messages confirmed per second on a quorum queue. */
  confirmedMessagesPerSecond: number;
  /** Unconfirmed messages the publisher keeps in flight. */
  window: number;
  version: string;
}

/**
 * The machine's RabbitMQ without Postbud around it: one publisher on a confirm channel sends
 * persistent 2 KB messages to a quorum queue of its own, keeping `window` unconfirmed. The queue
 * is capped (oldest dropped), so a fast broker does not fill the shared machine's disk, and
 * deleted afterwards.
 */
export async function measureRawRabbitMq(prefix: string, seconds: number, window = 500): Promise<RawRabbitMq> {
  const connection = await amqp.connect(amqpUrl);
  const version = String(connection.connection.serverProperties.version ?? 'unknown');
  const channel = await connection.createConfirmChannel();
  const queue = `${prefix}.raw`;
  try {
    await channel.assertQueue(queue, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-max-length': 20_000, 'x-overflow': 'drop-head' },
    });
    const body = randomBytes(1_024).toString('hex');
    const content = Buffer.from(body);
    let confirmed = 0;
    let failed = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      let inFlight = 0;
      const pump = () => {
        while (inFlight < window && performance.now() < until) {
          inFlight += 1;
          channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json' }, (error) => {
            inFlight -= 1;
            if (error) failed += 1;
            else confirmed += 1;
            if (performance.now() < until) pump();
            else if (inFlight === 0) resolve();
          });
        }
      };
      pump();
    });
    if (failed > 0) throw new Error(`RabbitMQ refused ${failed} of the baseline's messages`);
    return { confirmedMessagesPerSecond: perSecond(confirmed, performance.now() - started), window, version };
  } finally {
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
