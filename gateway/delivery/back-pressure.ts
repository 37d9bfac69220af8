import { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { Broker } from '../platform/broker.ts';
import type { Config } from '../platform/config.ts';
import type { Queryable } from '../platform/db.ts';
import { countUnpublished } from '../letters/outbox-store.ts';
import { ProblemError } from '../platform/problem.ts';

/** Decides, before anything is stored, whether a sector can take one more letter now. */
export interface BackPressure {
  admit(sector: Sector): Promise<void>;
}

interface SectorLoad {
  /** Ready messages in the sector queue; undefined when the broker could not be asked. */
  queueDepth: number | undefined;
  outboxBacklog: number;
}

/**
 * A sector whose queue (letters its adapters have not taken yet) or whose outbox
 * backlog (stored letters not yet published) has reached its limit refuses new letters with
 * 503 `sector-backlogged` and `Retry-After`, instead of piling up; other sectors go on.
 *
 * The load is measured at most once per `cacheMs` per sector, so a burst of submissions costs
 * one broker round trip and one count. When RabbitMQ is down the queue depth is unknown and
 * only the outbox limit applies: letters are safe in PostgreSQL until the relay can publish,
 * which is what the outbox is for, and the outbox limit bounds how much piles up meanwhile.
 */
export function createBackPressure(
  deps: { db: Queryable; broker: Broker; config: Config },
  options: { cacheMs?: number; brokerTimeoutMs?: number; now?: () => number } = {},
): BackPressure {
  const { maxQueueDepth, maxOutboxBacklog, retryAfterSeconds } = deps.config.backPressure;
  const cacheMs = options.cacheMs ?? 1_000;
  const now = options.now ?? Date.now;
  const names = topologyNames(deps.config.amqpPrefix);
  const measured = new Map<Sector, { at: number; load: Promise<SectorLoad> }>();

  async function queueDepth(sector: Sector): Promise<number | undefined> {
    const channel = deps.broker.channel();
    if (!channel) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A broker that hangs must not hang submissions: no answer in time counts as unknown.
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), options.brokerTimeoutMs ?? 1_000);
    });
    try {
      const answer = channel.checkQueue(names.letterQueue(sector)).then(
        (queue) => queue.messageCount,
        () => undefined,
      );
      return await Promise.race([answer, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function outboxBacklog(sector: Sector): Promise<number> {
    return countUnpublished(deps.db, sector, maxOutboxBacklog + 1);
  }

  async function measure(sector: Sector): Promise<SectorLoad> {
    const [depth, backlog] = await Promise.all([queueDepth(sector), outboxBacklog(sector)]);
    return { queueDepth: depth, outboxBacklog: backlog };
  }

  function loadOf(sector: Sector): Promise<SectorLoad> {
    const cached = measured.get(sector);
    if (cached && now() - cached.at < cacheMs) return cached.load;
    const load = measure(sector);
    measured.set(sector, { at: now(), load });
    // A failed measurement is not cached: the next submission asks again.
    load.catch(() => measured.delete(sector));
    return load;
  }

  return {
    async admit(sector) {
      const load = await loadOf(sector);
      const queueFull = load.queueDepth !== undefined && load.queueDepth >= maxQueueDepth;
      if (queueFull || load.outboxBacklog >= maxOutboxBacklog) {
        throw new ProblemError(
          503,
          'sector-backlogged',
          'The recipient’s sector is backlogged',
          `Letters to the ${sector} sector are not being taken in now; retry later.`,
          { sector, retryAfterSeconds },
        );
      }
    },
  };
}
