import { randomUUID } from 'node:crypto';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import type { Queryable, Tx } from '../platform/db.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import type { LetterRow } from '../letters/letter-store.ts';
import { ProblemError } from '../platform/problem.ts';

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
  const id = randomUUID();
  await tx.query(
    'INSERT INTO misroutes (id, letter_id, source, reported_by, note, correct_sor_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, letter.id, report.source, report.actor.id, report.note ?? null, report.correctSorId ?? null],
  );
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

export interface MisrouteRow {
  id: string;
  correctSorId: string | null;
  reroutedTo: string | null;
}

export async function misroutesOf(q: Queryable, letterId: string, lock = false): Promise<MisrouteRow[]> {
  const result = await q.query<MisrouteRow>(
    `SELECT id, correct_sor_id AS "correctSorId", rerouted_to AS "reroutedTo" FROM misroutes
     WHERE letter_id = $1 ORDER BY reported_at DESC, id ${lock ? 'FOR UPDATE' : ''}`,
    [letterId],
  );
  return result.rows;
}
