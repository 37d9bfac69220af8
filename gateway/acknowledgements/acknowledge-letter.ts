import type { Acknowledgement } from '../../schemas/acknowledgement.ts';
import type { LetterStatus } from '../../schemas/categories.ts';
import type { Actor } from '../audit/audit-trail.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { getLetter } from '../letters/letter-store.ts';
import { recordMisroute } from '../misroutes/record-misroute.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/** The receiving clerk's "this letter is not for us": a negative acknowledgement that is a misroute. */
export const wrongRecipientCode = 'wrong-recipient';

/**
 * The receiving system's answer to a letter: positive → acknowledged, negative → rejected, or
 * misrouted when the code says the letter was not for them. The same acknowledgement twice
 * changes nothing; one the letter's status cannot take any more is a conflict.
 */
export async function acknowledgeLetter(db: Db, actor: Actor, ack: Acknowledgement): Promise<{ status: LetterStatus }> {
  const to: LetterStatus =
    ack.outcome === 'positive' ? 'acknowledged' : ack.code === wrongRecipientCode ? 'misrouted' : 'rejected';
  return inTransaction(db, async (tx) => {
    const letter = await getLetter(tx, ack.messageId);
    if (!letter) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
    if (letter.status === to) return { status: letter.status };
    if (to === 'misrouted') {
      await recordMisroute(tx, letter, {
        source: 'acknowledgement',
        actor,
        note: ack.text,
        correctSorId: ack.correctSorId,
      });
      return { status: to };
    }
    const details = {
      outcome: ack.outcome,
      ...(ack.code ? { code: ack.code } : {}),
      ...(ack.text ? { text: ack.text } : {}),
    };
    const moved = await moveLetter(tx, letter.id, to, actor, details);
    if (!moved) {
      throw new ProblemError(
        409,
        'letter-state-conflict',
        'The letter cannot take this acknowledgement now',
        `The letter is ${letter.status}.`,
      );
    }
    return { status: to };
  });
}
