import { actorOf, appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import type { ApiClient } from '../clients/client-store.ts';
import { visibleLetter } from '../letters/letter-access.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { getLetter, type LetterRow } from '../letters/letter-store.ts';
import { inTransaction, type Db, type Tx } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { insertMisroute } from './misroute-store.ts';

export interface MisrouteReport {
  source: 'report' | 'acknowledgement';
  actor: Actor;
  note?: string | undefined;
  correctSorId?: string | undefined;
}

/**
 * A wrong recipient, however it was reported (a receiving clerk's negative acknowledgement or a
 * report by an adapter, admin or auditor): the letter becomes `misrouted` and the report is kept
 * for auditors. A second report on a misrouted letter adds to the record (e.g. the right SOR id).
 */
export async function recordMisroute(
  tx: Tx,
  letter: Pick<LetterRow, 'id' | 'status' | 'recipientSorId'>,
  report: MisrouteReport,
): Promise<string> {
  if (letter.status !== 'misrouted') {
    const moved = await moveLetter(tx, letter.id, 'misrouted', report.actor, { source: report.source });
    if (!moved) {
      throw new ProblemError(
        409,
        'letter-state-conflict',
        'The letter cannot be reported as misrouted now',
        `The letter is ${letter.status}.`,
      );
    }
  }
  const id = await insertMisroute(tx, {
    letterId: letter.id,
    source: report.source,
    reportedBy: report.actor.id,
    note: report.note,
    correctSorId: report.correctSorId,
  });
  await appendAuditEvents(tx, report.actor, [
    {
      action: 'misroute-reported',
      letterId: letter.id,
      sorId: letter.recipientSorId,
      details: {
        misrouteId: id,
        source: report.source,
        ...(report.correctSorId ? { correctSorId: report.correctSorId } : {}),
        ...(report.note ? { note: report.note } : {}),
      },
    },
  ]);
  return id;
}

/** A report by an adapter, admin or auditor that a letter went to the wrong mailbox. */
export async function reportMisroute(
  db: Db,
  client: ApiClient,
  letterId: string,
  report: { note?: string | undefined; correctSorId?: string | undefined },
): Promise<{ misrouteId: string; letterId: string }> {
  const letter = await visibleLetter(db, client, letterId, ['adapter', 'admin', 'auditor']);
  const misrouteId = await inTransaction(db, async (tx) => {
    const current = (await getLetter(tx, letter.id))!;
    return recordMisroute(tx, current, { source: 'report', actor: actorOf(client), ...report });
  });
  return { misrouteId, letterId: letter.id };
}
