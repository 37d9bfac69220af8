import { topologyNames } from '../../schemas/amqp-topology.ts';
import { signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import { systemActor } from '../audit/audit-trail.ts';
import type { Broker } from '../platform/broker.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { moveLetters } from '../letters/letter-lifecycle.ts';
import { lockLetters } from '../letters/letter-store.ts';
import { claimUnpublished, markPublished } from '../letters/outbox-store.ts';
import type { Logger } from '../platform/log.ts';

/**
 * Publishes stored letters to RabbitMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so every
 * gateway instance can run a relay; a row is marked published only after the broker confirmed
 * it, in the same transaction that moves the letter to `queued`. A crash between confirm and
 * commit publishes again, which the adapters' idempotency absorbs.
 */
export async function relayOnce(
  db: Db,
  broker: Broker,
  options: { prefix: string; signer: QueueSigner },
  batchSize = 100,
): Promise<number> {
  const channel = broker.channel();
  if (!channel) return 0;
  const exchange = topologyNames(options.prefix).lettersExchange;
  return inTransaction(db, async (tx) => {
    const claimed = await claimUnpublished(tx, batchSize);
    if (claimed.length === 0) return 0;
    // Lock the letters before publishing, so an adapter's receipt waits for `queued` to commit.
    await lockLetters(
      tx,
      claimed.map((row) => row.letterId),
    );
    for (const row of claimed) {
      const content = Buffer.from(JSON.stringify(row.payload));
      // Adapters deliver only what the gateway signed: the endpoint in the message is trusted for that.
      channel.publish(exchange, row.sector, content, {
        headers: { [signatureHeader]: options.signer.sign('LetterQueued', content) },
        persistent: true,
        messageId: row.letterId,
        contentType: 'application/json',
        type: 'LetterQueued',
      });
    }
    await channel.waitForConfirms();
    await markPublished(
      tx,
      claimed.map((row) => row.id),
    );
    await moveLetters(
      tx,
      claimed.map((row) => ({ letterId: row.letterId, details: { sector: row.sector } })),
      'queued',
      systemActor,
    );
    return claimed.length;
  });
}

export interface OutboxRelay {
  nudge(): void;
  stop(): Promise<void>;
}

export function startOutboxRelay(
  db: Db,
  broker: Broker,
  options: { prefix: string; signer: QueueSigner; pollMs: number; log: Logger },
): OutboxRelay {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let again = false;

  const tick = () => {
    timer = undefined;
    running = (async () => {
      try {
        do {
          again = false;
          const published = await relayOnce(db, broker, options);
          if (published > 0) again = true;
        } while (again && !stopped);
      } catch (error) {
        options.log.warn({ err: { message: (error as Error).message } }, 'outbox relay pass failed; will retry');
      }
      if (!stopped) timer = setTimeout(tick, options.pollMs);
    })();
  };
  timer = setTimeout(tick, 0);

  return {
    nudge() {
      if (stopped) return;
      if (timer) {
        clearTimeout(timer);
        timer = setTimeout(tick, 0);
      } else {
        again = true;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
