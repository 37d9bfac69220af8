import type { Channel } from 'amqplib';
import { sectors, type Sector } from './categories.ts';

/**
 * The RabbitMQ topology of DESIGN.md, declared by the same code in every process. A prefix
 * (default `postbud`) lets test runs use their own, uniquely named exchanges and queues.
 */
export interface TopologyOptions {
  prefix: string;
  /** Delay before each retry; its length is the number of retries before dead-lettering. */
  retryDelaysMs: readonly number[];
}

/** Retry delays when POSTBUD_RETRY_DELAYS_MS is not set: four retries over about two and a half minutes. */
export const defaultRetryDelaysMs: readonly number[] = [1000, 5000, 30000, 120000];

export function topologyNames(prefix: string) {
  return {
    lettersExchange: `${prefix}.letters`,
    letterQueue: (sector: Sector) => `${prefix}.letters.${sector}`,
    // Quorum queues since the cluster: named anew, so classic `….retry.<ms>ms` queues of an earlier
    // version keep draining into the sector queue (their TTL) during a rolling upgrade.
    retryQueue: (sector: Sector, delayMs: number) => `${prefix}.letters.${sector}.delay.${delayMs}ms`,
    deadLetterQueue: (sector: Sector) => `${prefix}.letters.${sector}.dlq`,
    receiptsQueue: `${prefix}.receipts`,
  };
}

export async function declareTopology(channel: Channel, options: TopologyOptions): Promise<void> {
  const names = topologyNames(options.prefix);
  await channel.assertExchange(names.lettersExchange, 'direct', { durable: true });
  const quorum = { durable: true, arguments: { 'x-queue-type': 'quorum' } };
  for (const sector of sectors) {
    await channel.assertQueue(names.letterQueue(sector), quorum);
    await channel.bindQueue(names.letterQueue(sector), names.lettersExchange, sector);
    await channel.assertQueue(names.deadLetterQueue(sector), quorum);
    for (const delayMs of new Set(options.retryDelaysMs)) {
      // A retry queue holds a message for its TTL, then dead-letters it back to the sector queue.
      // Quorum, like the rest: a classic queue lives on one node, and while that node is down no
      // process could declare the topology on the others, so none could reconnect.
      await channel.assertQueue(names.retryQueue(sector, delayMs), {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': names.lettersExchange,
          'x-dead-letter-routing-key': sector,
        },
      });
    }
  }
  await channel.assertQueue(names.receiptsQueue, quorum);
}

/** Every queue the topology declares, for operators' tooling and for test clean-up. */
export function topologyQueues(options: TopologyOptions): string[] {
  const names = topologyNames(options.prefix);
  return [
    names.receiptsQueue,
    ...sectors.flatMap((sector) => [
      names.letterQueue(sector),
      names.deadLetterQueue(sector),
      ...[...new Set(options.retryDelaysMs)].map((delayMs) => names.retryQueue(sector, delayMs)),
    ]),
  ];
}
