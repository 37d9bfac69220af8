import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';
import { AmqpNodeRing, openOnSomeNode } from '../../schemas/amqp-nodes.ts';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect number `failures` (1-based): doubling, capped, with "equal jitter" so a
 * fleet of adapters does not reconnect in lock-step after a broker restart.
 */
export function reconnectDelayMs(
  failures: number,
  backoff: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface BrokerSessionOptions {
  /** `AMQP_URL`: one node, or the nodes of a cluster separated by commas (schemas/amqp-nodes.ts). */
  url: string;
  log: Logger;
  /** Shown in RabbitMQ's connection list, so operators can tell the adapters apart. */
  connectionName: string;
  /** Runs on every fresh confirm channel, after each (re)connect: declare, prefetch, consume. */
  onChannel: (channel: ConfirmChannel) => Promise<void>;
  backoff?: BackoffOptions;
}

export interface BrokerSession {
  /** Resolves once the first channel is set up; it keeps retrying until then. */
  ready: Promise<void>;
  /** Stops reconnecting and closes the connection. */
  close(): Promise<void>;
}

/** Heartbeats make a silently vanished broker (network partition) show up as a closed connection. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '15');
  return parsed.toString();
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps one connection with one confirm channel alive: connects, hands the channel to
 * `onChannel`, and when the connection or channel goes away (broker restart, network blip)
 * reconnects to the next node of the list, with backoff after a full round of failed nodes.
 * Never throws into the process: a broker blip is logged, not fatal.
 */
export function keepBrokerSession(options: BrokerSessionOptions): BrokerSession {
  const backoff = options.backoff ?? defaultBackoff;
  const nodes = new AmqpNodeRing(options.url);
  const log = options.log;
  let closing = false;
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  let wake: (() => void) | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Connects to one node and sets up its channel; a node that fails halfway is closed again. */
  async function open(url: string): Promise<{ opened: ChannelModel; lost: Promise<void> }> {
    const opened = await amqp.connect(withHeartbeat(url), {
      timeout: 10_000,
      clientProperties: { connection_name: options.connectionName },
    });
    connection = opened;
    const lost = new Promise<void>((resolve) => opened.once('close', () => resolve()));
    opened.on('error', (error: unknown) => log.warn({ reason: reasonOf(error) }, 'broker connection error'));
    opened.on('blocked', (reason: unknown) => log.warn({ reason: String(reason) }, 'broker blocked publishing'));
    opened.on('unblocked', () => log.info('broker unblocked publishing'));
    try {
      if (closing) throw new Error('closing');
      const created = await opened.createConfirmChannel();
      channel = created;
      created.on('error', (error: unknown) => log.warn({ reason: reasonOf(error) }, 'broker channel error'));
      // A channel the broker closed (e.g. an ack for an unknown delivery tag) ends the session too.
      created.once('close', () => {
        if (!closing) opened.close().catch(() => undefined);
      });
      await options.onChannel(created);
      return { opened, lost };
    } catch (error) {
      await opened.close().catch(() => undefined);
      throw error;
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!closing) {
      try {
        const { opened, label } = await openOnSomeNode(nodes, open, (node, error) => {
          if (!closing) log.warn({ node, reason: reasonOf(error) }, 'broker node unavailable; trying the next');
        });
        markReady();
        log.info({ node: label }, 'connected to the broker');
        await opened.lost;
        // The node that was lost is the one to skip: the next connect starts at the one after it.
        nodes.advance();
        failures = 1;
        if (!closing) log.warn({ node: label }, 'broker connection lost; reconnecting');
      } catch (error) {
        failures += 1;
        if (!closing) log.warn({ reason: reasonOf(error) }, 'broker unavailable');
      }
      connection = undefined;
      channel = undefined;
      if (!closing) await sleep(reconnectDelayMs(failures, backoff));
    }
  })();

  return {
    ready,
    async close() {
      closing = true;
      wake?.();
      // Closing the channel first flushes its last acks; the connection's close could overtake them.
      await channel?.close().catch(() => undefined);
      await connection?.close().catch(() => undefined);
      await loop;
    },
  };
}
