import type { LetterStatus } from '../../schemas/categories.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import type { Tx } from '../platform/db.ts';
import { transitionStatus } from './letter-store.ts';

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
  const moved = await transitionStatus(tx, letterId, allowedFrom[to], to);
  if (moved) await appendAuditEvents(tx, actor, [{ action: to, letterId, details }]);
  return moved;
}
