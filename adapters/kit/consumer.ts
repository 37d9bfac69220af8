import type { Logger } from 'pino';
import { declareTopology, topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { QueueSigner } from '../../schemas/queue-signature.ts';
import { keepBrokerSession, type BackoffOptions } from './broker-connection.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import type { DeliveryTransport, GatewayAccess } from './http-transport.ts';
import {
  handleLetterMessage,
  reportUnreportedDeliveries,
  type ConsumingChannel,
  type LetterHandlerContext,
} from './letter-handler.ts';

export interface AdapterOptions {
  sector: Sector;
  amqpUrl: string;
  /** Topology prefix (`postbud` in production, unique per test). */
  prefix: string;
  /** Delay before each retry; its length is the number of retries before dead-lettering. */
  retryDelaysMs: readonly number[];
  transport: DeliveryTransport;
  gateway: GatewayAccess;
  /** Used when the recipient's mailbox names no endpoint of its own. */
  defaultEndpoint?: string | undefined;
  log: Logger;
  /** Checks the relay's signature on every letter message and signs every receipt. */
  signer: QueueSigner;
  /** How many letters one adapter works on at once. */
  prefetch: number;
  /** How long stop() waits for deliveries in flight before closing anyway (default 15 s). */
  drainTimeoutMs?: number;
  /** Timeout of the gateway status lookup for redelivered letters (default 10 s). */
  statusTimeoutMs?: number;
  /**
   * How long a copy the broker redelivers, and this process never saw, waits before the gateway's
   * status is asked again (default 10 s): the adapter that delivered it may still be reporting it.
   */
  redeliveryGraceMs?: number;
  reconnect?: BackoffOptions;
}

export interface RunningAdapter {
  /** Stops consuming, lets deliveries in flight finish (bounded), then closes the connection. */
  stop(): Promise<void>;
}

/**
 * Consumes one sector's letter queue and delivers each letter to its receiving system.
 *
 * Delivery is at-least-once towards the receiver, made effectively once by three guards: the
 * in-process ledger (redelivery to this process), the gateway's status (redelivery to another
 * process, once our receipt has been recorded) and the `Idempotency-Key` header. A receipt that
 * died with its broker node is re-published on the next channel, and a redelivered copy waits a
 * moment before asking the gateway, so losing a node of the cluster duplicates nothing. What remains is
 * the window between the receiver's 2xx and the gateway recording our `delivered` receipt: if
 * this process dies in it, another adapter delivers again and only the receiver's use of the
 * Idempotency-Key (= letter id) prevents a duplicate letter.
 *
 * Resolves once consuming has started; until the broker is reachable it keeps retrying.
 */
export async function startAdapter(options: AdapterOptions): Promise<RunningAdapter> {
  const { sector, prefix, retryDelaysMs } = options;
  const log = options.log.child({ sector });
  const names = topologyNames(prefix);
  const queue = names.letterQueue(sector);
  const drainTimeoutMs = options.drainTimeoutMs ?? 15_000;
  const context: LetterHandlerContext = {
    sector,
    names,
    retryDelaysMs,
    transport: options.transport,
    gateway: options.gateway,
    statusTimeoutMs: options.statusTimeoutMs ?? 10_000,
    redeliveryGraceMs: options.redeliveryGraceMs ?? 10_000,
    defaultEndpoint: options.defaultEndpoint,
    ledger: new DeliveryLedger(),
    currentChannel: () => (consumer && !consumer.source.closed ? consumer.source.channel : undefined),
    signer: options.signer,
    log,
  };
  const inFlight = new Set<Promise<void>>();
  let consumer: { source: ConsumingChannel; tag: string } | undefined;
  let stopping: Promise<void> | undefined;

  const session = keepBrokerSession({
    url: options.amqpUrl,
    log,
    connectionName: `postbud-adapter-${sector}`,
    ...(options.reconnect ? { backoff: options.reconnect } : {}),
    async onChannel(channel) {
      // Declared on every connect: a broker restarted from scratch must get its queues back.
      await declareTopology(channel, { prefix, retryDelaysMs });
      await reportUnreportedDeliveries(context, channel);
      await channel.prefetch(options.prefetch);
      if (stopping) return;
      const source: ConsumingChannel = { channel, closed: false };
      channel.once('close', () => (source.closed = true));
      const { consumerTag } = await channel.consume(
        queue,
        (message) => {
          if (message === null) {
            // The broker cancelled us (queue deleted or failed over): start a fresh session.
            log.warn({ queue }, 'broker cancelled the consumer; reconnecting');
            channel.close().catch(() => undefined);
            return;
          }
          const handling = handleLetterMessage(context, source, message).catch((error: unknown) =>
            log.error({ reason: error instanceof Error ? error.message : String(error) }, 'letter handling failed'),
          );
          inFlight.add(handling);
          void handling.finally(() => inFlight.delete(handling));
        },
        { noAck: false },
      );
      consumer = { source, tag: consumerTag };
    },
  });

  await session.ready;
  log.info({ queue, prefetch: options.prefetch }, 'adapter consuming');

  async function stop(): Promise<void> {
    const current = consumer;
    consumer = undefined;
    if (current && !current.source.closed) {
      await current.source.channel.cancel(current.tag).catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
    await Promise.race([Promise.allSettled([...inFlight]), timedOut]);
    clearTimeout(timer);
    if (inFlight.size > 0) {
      log.warn({ inFlight: inFlight.size }, 'stopping with deliveries in flight; the broker will redeliver them');
    }
    await session.close();
    log.info({ queue }, 'adapter stopped');
  }

  return {
    stop: () => (stopping ??= stop()),
  };
}
