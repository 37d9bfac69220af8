import type { LetterStatus } from '../../schemas/categories.ts';
import type { DeliveryReceipt } from '../../schemas/queue-messages.ts';
import { insertUnsealedEvents, type UnsealedEvent } from '../audit/audit-store.ts';
import { unsealedEventsOf } from '../audit/audit-trail.ts';
import { inTransaction, type Db, type Tx } from '../platform/db.ts';
import { allowedFrom } from '../letters/letter-lifecycle.ts';
import { transitionStatuses } from '../letters/letter-store.ts';
import { attemptKey, insertDeliveryAttempts } from './delivery-attempt-store.ts';

/** What a receipt's event says: never letter content, only where and how the attempt went. */
function detailsOf(receipt: DeliveryReceipt): Record<string, unknown> {
  return {
    attempt: receipt.attempt,
    endpoint: receipt.endpoint,
    ...(receipt.httpStatus !== undefined ? { httpStatus: receipt.httpStatus } : {}),
    ...(receipt.durationMs !== undefined ? { durationMs: receipt.durationMs } : {}),
    ...(receipt.error ? { error: receipt.error } : {}),
  };
}

function eventOf(receipt: DeliveryReceipt): UnsealedEvent {
  const actor = { id: null, name: `adapter:${receipt.sector}` };
  const action = receipt.outcome === 'attempt-failed' ? 'delivery-attempt-failed' : receipt.outcome;
  return unsealedEventsOf(actor, [{ action, letterId: receipt.letterId, details: detailsOf(receipt) }])[0]!;
}

/**
 * Consecutive receipts of the same outcome, each letter at most once: one statement each. Taken
 * in order, they do what the receipts would one by one (a letter's failed attempt is recorded
 * before its delivery, and of two reports of one letter the second finds it already moved).
 */
function runsOf(receipts: readonly DeliveryReceipt[]): DeliveryReceipt[][] {
  const runs: DeliveryReceipt[][] = [];
  let run: DeliveryReceipt[] = [];
  for (const receipt of receipts) {
    const last = run[0];
    if (last && (last.outcome !== receipt.outcome || run.some((r) => r.letterId === receipt.letterId))) {
      runs.push(run);
      run = [];
    }
    run.push(receipt);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

async function recordRun(tx: Tx, run: readonly DeliveryReceipt[]): Promise<void> {
  const events = run.map(eventOf);
  const outcome = run[0]!.outcome;
  if (outcome === 'attempt-failed') return insertUnsealedEvents(tx, events);
  const to: LetterStatus = outcome;
  await transitionStatuses(
    tx,
    run.map((receipt) => receipt.letterId),
    allowedFrom[to],
    to,
    events,
  );
}

/**
 * Records adapter reports in one transaction: every attempt, then each letter's move with its
 * event (or the failed attempt's event). Idempotent: a redelivered receipt changes nothing twice,
 * and a receipt of an unknown letter nothing at all.
 */
export async function recordReceipts(db: Db, receipts: readonly DeliveryReceipt[]): Promise<void> {
  if (receipts.length === 0) return;
  await inTransaction(db, async (tx) => {
    const recorded = await insertDeliveryAttempts(
      tx,
      receipts.map((receipt) => ({
        letterId: receipt.letterId,
        attempt: receipt.attempt,
        endpoint: receipt.endpoint,
        outcome: receipt.outcome,
        httpStatus: receipt.httpStatus ?? null,
        durationMs: receipt.durationMs ?? null,
        error: receipt.error ?? null,
        at: receipt.at,
      })),
    );
    // A receipt repeated within the batch is recorded once, by its first copy.
    const firsts = new Set<string>();
    const fresh = receipts.filter((receipt) => {
      const key = attemptKey(receipt);
      if (!recorded.has(key) || firsts.has(key)) return false;
      firsts.add(key);
      return true;
    });
    for (const run of runsOf(fresh)) await recordRun(tx, run);
  });
}
