import type { LetterStatus } from '../../schemas/categories.ts';
import { unsealedEventsOf, type Actor } from '../audit/audit-trail.ts';
import type { Tx } from '../platform/db.ts';
import { transitionStatuses } from './letter-store.ts';

/**
 * The statuses a letter may come from to reach each status (DESIGN.md: accepted → queued →
 * delivered → acknowledged, end states rejected, misrouted, failed). A report that arrives late
 * or twice finds the letter elsewhere and changes nothing.
 */
export const allowedFrom: Record<LetterStatus, readonly LetterStatus[]> = {
  accepted: [],
  queued: ['accepted', 'failed'],
  delivered: ['queued'],
  acknowledged: ['queued', 'delivered'],
  rejected: ['queued', 'delivered'],
  misrouted: ['queued', 'delivered', 'acknowledged', 'rejected'],
  failed: ['accepted', 'queued'],
};

/** Moves a letter and records the transition as an audit event, in the caller's transaction. */
export async function moveLetter(
  tx: Tx,
  letterId: string,
  to: LetterStatus,
  actor: Actor,
  details: Record<string, unknown> = {},
): Promise<boolean> {
  return (await moveLetters(tx, [{ letterId, details }], to, actor)).has(letterId);
}

/** Moves several letters to the same status in one statement, each with its event; answers those moved. */
export async function moveLetters(
  tx: Tx,
  moves: ReadonlyArray<{ letterId: string; details?: Record<string, unknown> }>,
  to: LetterStatus,
  actor: Actor,
): Promise<Set<string>> {
  const events = unsealedEventsOf(
    actor,
    moves.map(({ letterId, details }) => ({ action: to, letterId, details: details ?? {} })),
  );
  return transitionStatuses(
    tx,
    moves.map((move) => move.letterId),
    allowedFrom[to],
    to,
    events,
  );
}
