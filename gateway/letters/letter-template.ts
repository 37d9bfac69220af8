import { randomUUID } from 'node:crypto';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import { sanitiseTitle } from '../attachments/attachment-checks.ts';
import type { LetterDraft } from '../medcom/letter-xml.ts';
import { LetterXmlThreadStopped, type LetterXmlBuilder } from '../medcom/letter-xml-threads.ts';
import { episodeOfCareFor } from '../medcom/episode-of-care.ts';
import { draftPatient } from '../medcom/patient-identity.ts';
import { specificPartyOf } from '../medcom/specific-party.ts';
import { ProblemError } from '../platform/problem.ts';
import type { ResolvedRouting, RoutedParty } from './letter-routing.ts';

/** Builds a JSON letter's MedCom XML and checks it: a letter that does not validate is never stored as sendable. */
export async function buildChecked(
  builder: LetterXmlBuilder,
  envelope: LetterEnvelope,
  routing: ResolvedRouting,
  letterId: string = randomUUID(),
): Promise<{ letterId: string; communicationId: string; template: string }> {
  const communicationId = randomUUID();
  const built = await buildIn(builder, {
    letterId,
    communicationId,
    sentAt: new Date().toISOString(),
    // What the XML names of each (a thread is sent only what it needs).
    sender: partyOf(routing.sender),
    recipient: partyOf(routing.recipient),
    patient: draftPatient(envelope.patient),
    ...(envelope.episodeOfCare
      ? { episodeOfCare: episodeOfCareFor(envelope.episodeOfCare, routing.sender.sorId) }
      : {}),
    ...(envelope.sender.specific ? { specificSender: specificPartyOf(envelope.sender.specific) } : {}),
    ...(envelope.recipient.specific ? { specificRecipient: specificPartyOf(envelope.recipient.specific) } : {}),
    category: envelope.category,
    ...(envelope.topic ? { topic: envelope.topic } : {}),
    ...(envelope.priority ? { priority: envelope.priority } : {}),
    text: envelope.text,
    author: envelope.author,
    attachments: (envelope.attachments ?? []).map((attachment, position) => ({
      title: sanitiseTitle(attachment.title),
      contentType: attachment.contentType,
      ...(attachment.creation ? { creation: attachment.creation } : {}),
      position,
    })),
    ...(envelope.links?.length
      ? {
          links: envelope.links.map((link) => ({
            title: sanitiseTitle(link.title),
            url: link.url,
            ...(link.creation ? { creation: link.creation } : {}),
          })),
        }
      : {}),
  });
  if (!built.ok) {
    // A letter that does not validate is never stored as sendable (DESIGN.md step 5).
    throw new ProblemError(
      422,
      'letter-xml-invalid',
      'The letter does not make a valid CareCommunication',
      'See `errors`.',
      {
        errors: built.errors,
      },
    );
  }
  return { letterId, communicationId, template: built.template };
}

function partyOf(mailbox: RoutedParty): LetterDraft['sender'] {
  return { sorId: mailbox.sorId, ean: mailbox.ean, name: mailbox.name };
}

async function buildIn(builder: LetterXmlBuilder, draft: LetterDraft) {
  try {
    return await builder.build(draft);
  } catch (error) {
    if (!(error instanceof LetterXmlThreadStopped)) throw error;
    throw new ProblemError(
      503,
      'letter-xml-unavailable',
      'The letter could not be built just now',
      'Nothing was stored; send the letter again.',
      { retryAfterSeconds: 1 },
    );
  }
}

/** The identifier the auditors' patient search hashes: the CPR, or the replacement CPR sent instead. */
export function patientIdentifierOf(envelope: LetterEnvelope): string {
  const patient = draftPatient(envelope.patient);
  return patient.cpr ?? patient.replacementCpr?.value ?? '';
}
