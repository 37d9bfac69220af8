import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/log.ts';
import { sealEvents, unsealedBatch } from './audit-store.ts';
import { eventHash, genesisHash } from './audit-trail.ts';

export interface SealOptions {
  batchSize?: number;
}

// Taken sequence numbers, or two racing batches waiting on each other's rows: either way the
// statement did nothing and the batch starts again from the new chain end.
const lostRace = new Set(['23505', '40P01']);

/**
 * One batch: the oldest unsealed events that have committed, in the order they were written, get
 * the next `seq` after the chain's end, their predecessor's hash and their own (SHA-256 over the
 * predecessor's hash and the event as the verifier reads it back), in one UPDATE. Events of
 * transactions still open are invisible and join a later batch, so the chain follows commit order.
 *
 * No lock is needed, and nothing is ever half-sealed: a batch is one statement. The seal of a
 * batch is a function of the chain's end and the events alone, so two sealers that race (two
 * gateways, or a reader sealing before it reads) either compute the very same seals for the same
 * events, or one of them finds its sequence numbers taken (the unique index on `seq`, or a
 * deadlock between the two statements) and its whole statement fails; it then starts again from
 * the new chain end.
 */
async function sealBatch(db: Db, batchSize: number): Promise<{ sealed: number; full: boolean; raced: boolean }> {
  const { end, events } = await unsealedBatch(db, batchSize);
  if (events.length === 0) return { sealed: 0, full: false, raced: false };
  let seq = end?.seq ?? 0;
  let prevHash = end?.hash ?? genesisHash;
  const seals = events.map(({ id, ...event }) => {
    seq += 1;
    const hash = eventHash(prevHash, { seq, ...event });
    const seal = { id, seq, prevHash, hash };
    prevHash = hash;
    return seal;
  });
  try {
    return { sealed: await sealEvents(db, seals), full: events.length === batchSize, raced: false };
  } catch (error) {
    if (lostRace.has((error as { code?: string }).code ?? '')) return { sealed: 0, full: true, raced: true };
    throw error;
  }
}

/** Seals everything committed so far; answers how many events this call sealed. */
export async function sealAuditTrail(db: Db, options: SealOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  let total = 0;
  for (;;) {
    const batch = await sealBatch(db, batchSize);
    total += batch.sealed;
    if (!batch.full && !batch.raced) return total;
  }
}

export interface AuditSealer {
  stop(): Promise<void>;
}

/**
 * Runs in every gateway on a connection of its own: looks for unsealed events every `intervalMs`
 * (one query when there are none) and seals them. Readers of the trail (the auditors' API, a
 * letter's events, `audit verify`) seal what is pending first, so they see every event committed
 * before they asked, each with its `seq`.
 */
export function startAuditSealer(db: Db, options: { intervalMs: number; log: Logger }): AuditSealer {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    timer = undefined;
    running = (async () => {
      try {
        await sealAuditTrail(db);
      } catch (error) {
        options.log.warn({ err: { message: (error as Error).message } }, 'audit sealing failed; will retry');
      }
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    })();
  };
  timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      // What the last requests recorded is sealed before the pool closes; failing that, the next start does it.
      await sealAuditTrail(db).catch(() => undefined);
    },
  };
}
