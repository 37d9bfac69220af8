import { randomUUID } from 'node:crypto';
import { effectiveEan } from '../../routing/directory.ts';
import type { AcknowledgementRecorded } from '../../schemas/acknowledgement.ts';
import type { LetterStatus } from '../../schemas/categories.ts';
import { appendAuditEvents, canonicalJson, type Actor } from '../audit/audit-trail.ts';
import {
  getAcknowledgement,
  insertAcknowledgement,
  latestAcknowledgement,
  type AcknowledgementRow,
} from '../letters/acknowledgement-store.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { getLetterForUpdate, type LetterRow } from '../letters/letter-store.ts';
import { recordMisroute } from '../misroutes/record-misroute.ts';
import { inTransaction, type Db, type Tx } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import type { AcknowledgementParty } from './acknowledgement-bundle-read.ts';
import type { ReceivedAcknowledgement } from './received-acknowledgement.ts';

/** A transient-error leaves the letter where it is: on its way or delivered, open for the final answer. */
const openStatuses: readonly LetterStatus[] = ['queued', 'delivered'];

function conflict(letter: LetterRow, detail = `The letter is ${letter.status}.`): ProblemError {
  return new ProblemError(409, 'letter-state-conflict', 'The letter cannot take this acknowledgement now', detail);
}

/** The status the acknowledgement puts the letter in; a transient-error puts it nowhere new. */
function targetStatus(ack: ReceivedAcknowledgement): LetterStatus | undefined {
  if (ack.code === 'ok') return 'acknowledged';
  if (ack.code === 'fatal-error') return ack.misroute ? 'misrouted' : 'rejected';
  return undefined;
}

const sameAnswer = (row: AcknowledgementRow, ack: ReceivedAcknowledgement) =>
  row.code === ack.code && canonicalJson(row.issues) === canonicalJson(ack.issues);

const matches = (party: AcknowledgementParty, sorId: string, ean: string | undefined) =>
  party.sorId === sorId || (party.ean !== undefined && party.ean === ean);

/** A Bundle names who acknowledges whom: the letter's recipient, answering the letter's sender. */
async function assertParties(tx: Tx, letter: LetterRow, ack: ReceivedAcknowledgement): Promise<void> {
  if (!ack.parties) return;
  const senderEan = await effectiveEan(tx, letter.senderSorId);
  if (
    !matches(ack.parties.sender, letter.recipientSorId, letter.recipientEan) ||
    !matches(ack.parties.receiver, letter.senderSorId, senderEan)
  ) {
    throw new ProblemError(
      422,
      'acknowledgement-parties-mismatch',
      'The acknowledgement is not from the letter’s recipient to its sender',
      'MessageHeader.sender shall be the letter’s recipient and destination.receiver its sender (by SOR id or EAN).',
      { medcomCode: 'MSG_Receiver_Identifier_UNKNOWN' },
    );
  }
}

function auditDetails(ack: ReceivedAcknowledgement, acknowledgementId: string): Record<string, unknown> {
  return {
    ...ack.json,
    form: ack.form,
    responseCode: ack.code,
    acknowledgementId,
    ...(ack.bundleId ? { bundleId: ack.bundleId } : {}),
    ...(ack.issues.length > 0 ? { issues: ack.issues } : {}),
  };
}

/** Moves the letter as the code says, with the MedCom code and issues in the trail. */
async function applyAcknowledgement(
  tx: Tx,
  actor: Actor,
  letter: LetterRow,
  ack: ReceivedAcknowledgement,
  acknowledgementId: string,
): Promise<LetterStatus> {
  const details = auditDetails(ack, acknowledgementId);
  const to = targetStatus(ack);
  if (to === undefined) {
    if (!openStatuses.includes(letter.status)) throw conflict(letter);
    await appendAuditEvents(tx, actor, [{ action: 'acknowledgement-transient-error', letterId: letter.id, details }]);
    return letter.status;
  }
  if (to === 'misrouted') {
    await recordMisroute(tx, letter, { source: 'acknowledgement', actor, ...ack.misroute });
    return to;
  }
  if (!(await moveLetter(tx, letter.id, to, actor, details))) {
    throw conflict(
      letter,
      letter.status === 'rejected' ? 'The letter was refused with a fatal-error; that is final.' : undefined,
    );
  }
  return to;
}

/**
 * The receiving system's answer to a letter, MedCom style: `ok` → acknowledged; `fatal-error` →
 * rejected (or misrouted, when a clerk says wrong recipient); `transient-error` → recorded, the
 * letter stays open for a later `ok` or `fatal-error`. The same acknowledgement again (by its
 * MessageHeader.id, or the same answer as the last) changes nothing; one the letter cannot take
 * any more (`ok` after `fatal-error`) is a conflict. Each acknowledgement is kept for the sender.
 */
export async function acknowledgeLetter(
  db: Db,
  actor: Actor,
  ack: ReceivedAcknowledgement,
): Promise<AcknowledgementRecorded> {
  return inTransaction(db, async (tx) => {
    const letter = await getLetterForUpdate(tx, ack.letterId);
    if (!letter) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
    await assertParties(tx, letter, ack);
    const answer = (status: LetterStatus, acknowledgementId: string, duplicate: boolean): AcknowledgementRecorded => ({
      messageId: letter.id,
      status,
      code: ack.code,
      acknowledgementId,
      duplicate,
    });
    if (ack.messageHeaderId) {
      const earlier = await getAcknowledgement(tx, ack.messageHeaderId);
      if (earlier && earlier.letterId === letter.id && sameAnswer(earlier, ack))
        return answer(letter.status, earlier.messageHeaderId, true);
      if (earlier)
        throw new ProblemError(
          409,
          'acknowledgement-id-reused',
          'MessageHeader.id already used for another acknowledgement',
          'A resend keeps the MessageHeader.id and the content; a new acknowledgement needs a new MessageHeader.id.',
          { medcomCode: 'MSG_DUPLICATE_ID' },
        );
    }
    const latest = await latestAcknowledgement(tx, letter.id);
    const to = targetStatus(ack);
    if (latest && sameAnswer(latest, ack) && (to === undefined || to === letter.status))
      return answer(letter.status, latest.messageHeaderId, true);
    // Letters acknowledged before acknowledgements were kept: the status alone says it is a repeat.
    if (!latest && to !== undefined && to === letter.status) return answer(letter.status, letter.id, true);
    const acknowledgementId = ack.messageHeaderId ?? randomUUID();
    await insertAcknowledgement(tx, {
      messageHeaderId: acknowledgementId,
      letterId: letter.id,
      code: ack.code,
      issues: ack.issues,
      actorId: actor.id,
    });
    return answer(await applyAcknowledgement(tx, actor, letter, ack, acknowledgementId), acknowledgementId, false);
  });
}
