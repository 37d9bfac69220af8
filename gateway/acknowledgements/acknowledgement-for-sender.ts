import { randomUUID } from 'node:crypto';
import { effectiveEan, getMailboxes } from '../../routing/directory.ts';
import { letterEvents } from '../audit/audit-store.ts';
import type { ApiClient } from '../clients/client-store.ts';
import { latestAcknowledgement } from '../letters/acknowledgement-store.ts';
import { visibleLetter } from '../letters/letter-access.ts';
import type { FhirResource } from '../medcom/fhir-xml-read.ts';
import type { Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { buildAcknowledgementBundle } from './acknowledgement-bundle-build.ts';

/**
 * The letter as MedCom knows it: a Bundle a sending system posted keeps its own MessageHeader.id
 * and activity (recorded when it arrived); a letter Postbud built has the letter id and is new.
 */
async function acknowledgedMessage(
  q: Queryable,
  letterId: string,
): Promise<{ messageHeaderId: string; activity: string }> {
  const received = (await letterEvents(q, letterId)).find((event) => event.action === 'medcom-received')?.details;
  return {
    messageHeaderId: typeof received?.messageHeaderId === 'string' ? received.messageHeaderId : letterId,
    activity: typeof received?.activity === 'string' ? received.activity : 'new-message',
  };
}

/**
 * `GET /v1/messages/{id}/acknowledgement`: the receiving system's latest acknowledgement of the
 * letter as a MedCom Acknowledgement Bundle, with a new Bundle.id and timestamp at each call.
 */
export async function acknowledgementBundleFor(
  q: Queryable,
  client: ApiClient,
  letterId: string,
): Promise<FhirResource> {
  const letter = await visibleLetter(q, client, letterId, ['auditor', 'admin', 'adapter']);
  const acknowledgement = await latestAcknowledgement(q, letter.id);
  if (!acknowledgement)
    throw new ProblemError(
      404,
      'acknowledgement-not-found',
      'Not acknowledged yet',
      'The receiving system has not answered.',
    );
  const [mailboxes, senderEan, message] = await Promise.all([
    getMailboxes(q, [letter.senderSorId, letter.recipientSorId]),
    effectiveEan(q, letter.senderSorId),
    acknowledgedMessage(q, letter.id),
  ]);
  const nameOf = (sorId: string) => mailboxes.get(sorId)?.name ?? sorId;
  return buildAcknowledgementBundle({
    bundleId: randomUUID(),
    timestamp: new Date().toISOString(),
    messageHeaderId: acknowledgement.messageHeaderId,
    code: acknowledgement.code,
    issues: acknowledgement.issues,
    acknowledgedAt: acknowledgement.receivedAt,
    letter: { id: letter.id, ...message, sentAt: letter.createdAt },
    acknowledging: { sorId: letter.recipientSorId, ean: letter.recipientEan, name: nameOf(letter.recipientSorId) },
    acknowledged: { sorId: letter.senderSorId, ean: senderEan, name: nameOf(letter.senderSorId) },
  });
}
