import { randomUUID } from 'node:crypto';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import { sanitiseTitle } from '../attachments/attachment-checks.ts';
import { checkBuiltLetterXml } from '../medcom/letter-xml-check.ts';
import { buildLetterXml } from '../medcom/letter-xml.ts';
import { episodeOfCareFor } from '../medcom/episode-of-care.ts';
import { draftPatient } from '../medcom/patient-identity.ts';
import { specificPartyOf } from '../medcom/specific-party.ts';
import { ProblemError } from '../platform/problem.ts';
import type { ResolvedRouting } from './letter-routing.ts';

/** Builds a JSON letter's MedCom XML and checks it: a letter that does not validate is never stored as sendable. */
export function buildChecked(
  envelope: LetterEnvelope,
  routing: ResolvedRouting,
  letterId: string = randomUUID(),
): { letterId: string; communicationId: string; template: string } {
  const communicationId = randomUUID();
  const template = buildLetterXml({
    letterId,
    communicationId,
    sentAt: new Date().toISOString(),
    sender: routing.sender,
    recipient: routing.recipient,
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
  const check = checkBuiltLetterXml(template);
  if (!check.ok) {
    // A letter that does not validate is never stored as sendable (DESIGN.md step 5).
    throw new ProblemError(
      422,
      'letter-xml-invalid',
      'The letter does not make a valid CareCommunication',
      'See `errors`.',
      {
        errors: check.errors,
      },
    );
  }
  return { letterId, communicationId, template };
}

/** The identifier the auditors' patient search hashes: the CPR, or the replacement CPR sent instead. */
export function patientIdentifierOf(envelope: LetterEnvelope): string {
  const patient = draftPatient(envelope.patient);
  return patient.cpr ?? patient.replacementCpr?.value ?? '';
}
