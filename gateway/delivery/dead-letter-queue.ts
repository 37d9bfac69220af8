import amqp, { type GetMessage, type Options } from 'amqplib';
import { AmqpNodeRing, openOnSomeNode } from '../../schemas/amqp-nodes.ts';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';

/**
 * Removes a replayed letter's stale copy from its sector's dead-letter queue, so the queue keeps
 * meaning "letters that need an operator". Best effort: PostgreSQL is the record of what failed
 * and what was replayed, and a stale copy left behind is harmless (an adapter given it again
 * asks the gateway for the letter's status first, since its attempt header is above 1).
 *
 * AMQP cannot delete one message by id, so the queue is read once through: the matching
 * message is acked, every other one is published to the back of the queue again (confirmed)
 * before its original is acked. Nothing is lost if this process dies halfway: unacked messages
 * return to the queue, at worst as a duplicate record. Runs on its own short-lived connection,
 * so a channel error here never disturbs the gateway's publishing channel.
 */
export async function removeFromDeadLetterQueue(
  amqpUrl: string,
  prefix: string,
  sector: Sector,
  letterId: string,
  limits: { maxScan?: number; timeoutMs?: number } = {},
): Promise<{ removed: number; scanned: number }> {
  const queue = topologyNames(prefix).deadLetterQueue(sector);
  const deadline = Date.now() + (limits.timeoutMs ?? 10_000);
  const { opened: connection } = await openOnSomeNode(new AmqpNodeRing(amqpUrl), (url) =>
    amqp.connect(url, { timeout: 5_000 }),
  );
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(queue);
    const toScan = Math.min(messageCount, limits.maxScan ?? 10_000);
    let removed = 0;
    let scanned = 0;
    while (scanned < toScan && Date.now() < deadline) {
      const batch: GetMessage[] = [];
      while (batch.length < 100 && scanned + batch.length < toScan) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        batch.push(message);
      }
      if (batch.length === 0) break;
      scanned += batch.length;
      const others = batch.filter((message) => message.properties.messageId !== letterId);
      for (const message of others) channel.publish('', queue, message.content, republishOptions(message));
      await channel.waitForConfirms();
      for (const message of batch) channel.ack(message);
      removed += batch.length - others.length;
    }
    await channel.close();
    return { removed, scanned };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The original's properties, so the copy tells the operator the same (reason, attempt, id). */
function republishOptions(message: GetMessage): Options.Publish {
  const p = message.properties;
  const defined = <T>(value: T | undefined | null) => (value === undefined || value === null ? undefined : value);
  return Object.fromEntries(
    Object.entries({
      persistent: true,
      contentType: defined(p.contentType),
      contentEncoding: defined(p.contentEncoding),
      headers: defined(p.headers),
      correlationId: defined(p.correlationId),
      messageId: defined(p.messageId),
      timestamp: defined(p.timestamp),
      type: defined(p.type),
      appId: defined(p.appId),
    }).filter(([, value]) => value !== undefined),
  ) as Options.Publish;
}
