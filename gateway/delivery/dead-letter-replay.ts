import type { Logger } from '../platform/log.ts';
import type { AppDeps } from '../app-deps.ts';
import type { Actor } from '../audit/audit-trail.ts';
import { removeFromDeadLetterQueue } from './dead-letter-queue.ts';
import { replayDeadLetter, type Replay } from './dead-letters.ts';

export interface ReplayOutcome extends Replay {
  deadLetterQueue: { removed: number; error?: string };
}

/**
 * Re-queues a failed letter (audited `replayed`), wakes the outbox relay, and removes the
 * letter's stale copy from its sector's dead-letter queue. The API and the console both replay
 * through here; a queue that cannot be cleaned is logged, not fatal (the stale copy is harmless).
 */
export async function replayFailedLetter(
  deps: Pick<AppDeps, 'db' | 'config' | 'onLetterStored'>,
  letterId: string,
  actor: Actor,
  log: Logger,
): Promise<ReplayOutcome> {
  const replay = await replayDeadLetter(deps.db, letterId, actor);
  deps.onLetterStored?.();
  log.info(
    { letterId: replay.letterId, sector: replay.sector, deliveryRound: replay.deliveryRound },
    'dead letter replayed',
  );
  const deadLetterQueue = await removeFromDeadLetterQueue(
    deps.config.amqpUrl,
    deps.config.amqpPrefix,
    replay.sector,
    replay.letterId,
  ).then(
    (result) => ({ removed: result.removed }),
    (error: Error) => {
      log.warn(
        { letterId: replay.letterId, err: { message: error.message } },
        'dead-letter queue not cleaned; the stale copy stays',
      );
      return { removed: 0, error: 'the dead-letter queue could not be cleaned; the stale copy is harmless' };
    },
  );
  return { ...replay, deadLetterQueue };
}
