import type { LetterEnvelope } from '../../schemas/letter.ts';
import type { RerouteBody } from '../../schemas/misroute.ts';
import { getAttachments } from '../attachments/attachment-store.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { getApiClient, type ApiClient } from '../clients/client-store.ts';
import { visibleLetter } from '../letters/letter-access.ts';
import { envelopeAad, LetterIntake, type AcceptedLetter, type IntakeDeps } from '../letters/letter-intake.ts';
import { decryptedChunks } from '../letters/letter-reader.ts';
import { assertLetterNotPurged } from '../letters/letter-retention.ts';
import { ProblemError } from '../platform/problem.ts';
import { misroutesOf, setReroutedTo } from './misroute-store.ts';

const alreadyRerouted = () => new ProblemError(409, 'letter-already-rerouted', 'The letter has already been rerouted');

/**
 * Re-sends a misrouted letter: a new letter with the same content, linked to the old one,
 * through every guard again, to the mailbox the request names or the one a misroute report
 * named. The old letter's trail gets a `rerouted` event in the new letter's transaction.
 * `client` is who asks (the letter's sender or an admin); the letter is sent for its owner.
 */
export async function rerouteLetter(
  deps: IntakeDeps,
  client: ApiClient,
  actor: Actor,
  letterId: string,
  body: RerouteBody,
): Promise<AcceptedLetter & { reroutedFrom: string }> {
  const { db, vault } = deps;
  const old = await visibleLetter(db, client, letterId, ['admin']);
  if (old.status !== 'misrouted') {
    throw new ProblemError(
      409,
      'letter-not-misrouted',
      'Only a misrouted letter can be rerouted',
      `The letter is ${old.status}.`,
    );
  }
  const reports = await misroutesOf(db, old.id);
  if (reports.some((report) => report.reroutedTo)) throw alreadyRerouted();
  const target = body.recipient?.sorId ?? reports.find((report) => report.correctSorId)?.correctSorId;
  if (!target) {
    throw new ProblemError(
      422,
      'reroute-recipient-required',
      'No recipient to reroute to',
      'Give `recipient.sorId`; no misroute report names the right mailbox.',
    );
  }
  assertLetterNotPurged(old);
  const original = JSON.parse(
    vault.open(old.envelope, old.keyId, envelopeAad(old.id)).toString('utf8'),
  ) as LetterEnvelope;
  const owner = await getApiClient(db, old.clientId);
  if (!owner) throw new ProblemError(409, 'letter-owner-unknown', 'The letter’s sending client no longer exists');
  const envelope: LetterEnvelope = {
    ...original,
    recipient: body.recipient ?? { sorId: target },
    acknowledgedWarnings: body.acknowledgedWarnings ?? [],
  };
  const intake = await LetterIntake.open(deps, owner, envelope, { reroutedFrom: old.id, actor });
  try {
    for (const attachment of await getAttachments(db, old.id)) {
      await intake.addAttachment(attachment.position, decryptedChunks(db, vault, old.id, attachment.position));
    }
    const accepted = await intake.commit(async (tx, newId) => {
      const locked = await misroutesOf(tx, old.id, true);
      if (locked.some((report) => report.reroutedTo)) throw alreadyRerouted();
      await setReroutedTo(tx, locked[0]!.id, newId);
      await appendAuditEvents(tx, actor, [
        { action: 'rerouted', letterId: old.id, sorId: target, details: { toLetterId: newId, toSorId: target } },
      ]);
    });
    return { ...accepted, reroutedFrom: old.id };
  } finally {
    await intake.abort();
  }
}
