import { actorOf, recordAuditEvents } from '../audit/audit-trail.ts';
import type { ApiClient } from '../clients/client-store.ts';
import type { Db } from '../platform/db.ts';
import type { ProblemError } from '../platform/problem.ts';

/**
 * Warnings shown to a user are evidence for auditors even when the letter is never sent: a
 * warning that made a clinician pick another mailbox is a misroute prevented.
 */
export async function recordWarningsShown(db: Db, client: ApiClient, problem: ProblemError): Promise<void> {
  const warnings = (problem.extra.warnings as Array<{ code: string }> | undefined) ?? [];
  const recipient = problem.extra.recipient as { sorId: string };
  const sender = problem.extra.sender as { sorId: string };
  await recordAuditEvents(db, actorOf(client), [
    {
      action: 'warnings-shown',
      sorId: recipient.sorId,
      details: { senderSorId: sender.sorId, codes: warnings.map((w) => w.code) },
    },
  ]);
}
