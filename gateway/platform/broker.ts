import amqp, { type ConfirmChannel, type ChannelModel } from 'amqplib';
import { AmqpNodeRing, openOnSomeNode } from '../../schemas/amqp-nodes.ts';
import { declareTopology, type TopologyOptions } from '../../schemas/amqp-topology.ts';
import type { Logger } from './log.ts';

/**
 * One RabbitMQ connection for the gateway with a confirm channel. When its node goes away the
 * next node of `AMQP_URL` is tried (schemas/amqp-nodes.ts); after a full round of failures,
 * capped, jittered backoff. Consumers register a setup function that runs on every (re)connection.
 */
export interface Broker {
  channel(): ConfirmChannel | undefined;
  isConnected(): boolean;
  onConnected(setup: (channel: ConfirmChannel) => Promise<void>): void;
  close(): Promise<void>;
}

export async function connectBroker(amqpUrl: string, topology: TopologyOptions, log: Logger): Promise<Broker> {
  const nodes = new AmqpNodeRing(amqpUrl);
  let connection: ChannelModel | undefined;
  let current: ConfirmChannel | undefined;
  let closing = false;
  let attempt = 0;
  const setups: Array<(channel: ConfirmChannel) => Promise<void>> = [];

  /** Connects to one node and declares the topology there; a node that fails halfway is closed again. */
  const open = async (url: string): Promise<{ next: ChannelModel; channel: ConfirmChannel }> => {
    const next = await amqp.connect(url, { timeout: 5_000 });
    next.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'rabbitmq connection error'));
    try {
      const channel = await next.createConfirmChannel();
      channel.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'rabbitmq channel error'));
      await declareTopology(channel, topology);
      return { next, channel };
    } catch (error) {
      await next.close().catch(() => undefined);
      throw error;
    }
  };

  const connect = async (): Promise<void> => {
    const { opened, label } = await openOnSomeNode(nodes, open, (node, error) =>
      log.warn({ node, err: { message: (error as Error).message } }, 'rabbitmq node unreachable; trying the next'),
    );
    const { next, channel } = opened;
    const lost = (reason: string) => {
      if (connection !== next) return;
      connection = undefined;
      current = undefined;
      if (!closing) {
        log.warn({ reason, node: label }, 'rabbitmq connection lost; reconnecting');
        // The node that was lost is the one to skip: the next reconnect starts at the one after it.
        nodes.advance();
        scheduleReconnect();
      }
    };
    next.on('close', () => lost('connection closed'));
    channel.on('close', () => {
      // A channel can die alone (e.g. a precondition failure); reconnect the whole thing.
      if (connection === next && !closing) void next.close().catch(() => undefined);
    });
    connection = next;
    current = channel;
    attempt = 0;
    for (const setup of setups) await setup(channel);
    log.info({ node: label }, 'rabbitmq connected');
  };

  const scheduleReconnect = () => {
    attempt += 1;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random() / 2);
    setTimeout(() => {
      if (closing) return;
      connect().catch((error: Error) => {
        log.warn({ err: { message: error.message }, attempt }, 'rabbitmq reconnect failed');
        scheduleReconnect();
      });
    }, delay).unref();
  };

  // A broker that is down at start-up is retried in the background; readiness reports it.
  await connect().catch((error: Error) => {
    log.warn({ err: { message: error.message } }, 'rabbitmq unreachable at start-up; retrying');
    scheduleReconnect();
  });

  return {
    channel: () => current,
    isConnected: () => current !== undefined,
    onConnected(setup) {
      setups.push(setup);
      if (current)
        void setup(current).catch((error: Error) =>
          log.error({ err: { message: error.message } }, 'rabbitmq setup failed'),
        );
    },
    async close() {
      closing = true;
      const open = connection;
      const channel = current;
      connection = undefined;
      current = undefined;
      // Channel first: closing the connection under an open channel can drop its last acks.
      await channel?.close().catch(() => undefined);
      await open?.close().catch(() => undefined);
    },
  };
}
