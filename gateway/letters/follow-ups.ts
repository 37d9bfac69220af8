import { randomUUID } from 'node:crypto';
import type { Forward, Reply } from '../../schemas/letter-followup.ts';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import { sanitiseTitle, type AttachmentDigest } from '../attachments/attachment-checks.ts';
import { getAttachments } from '../attachments/attachment-store.ts';
import { appendAuditEvents } from '../audit/audit-trail.ts';
import type { ApiClient } from '../clients/client-store.ts';
import { checkCareCommunication } from '../medcom/care-communication-check.ts';
import { buildFollowUp } from '../medcom/care-communication-followup.ts';
import { readCareCommunication } from '../medcom/care-communication-read.ts';
import { readFhirXml } from '../medcom/fhir-xml-read.ts';
import { writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { ProblemError } from '../platform/problem.ts';
import { envelopeAad, LetterIntake, templateAad, type AcceptedLetter, type IntakeDeps } from './letter-intake.ts';
import { decryptedChunks } from './letter-reader.ts';
import { assertLetterNotPurged } from './letter-retention.ts';
import { getLetter, type LetterRow } from './letter-store.ts';
import type { SealedSpool } from './sealed-spool.ts';

export type FollowUpKind = 'reply-message' | 'forward-message';

/**
 * Who may follow up a letter: a reply comes from the organisation the letter was sent to; a
 * forward from either party. Anyone else is told the letter does not exist.
 */
export async function followedLetter(
  deps: IntakeDeps,
  client: ApiClient,
  id: string,
  kind: FollowUpKind,
): Promise<LetterRow> {
  const letter = /^[0-9a-f-]{36}$/i.test(id) ? await getLetter(deps.db, id) : undefined;
  const parties = kind === 'reply-message' ? [letter?.recipientSorId] : [letter?.recipientSorId, letter?.senderSorId];
  if (!letter || !parties.some((sorId) => sorId !== undefined && client.senders.includes(sorId)))
    throw new ProblemError(404, 'letter-not-found', 'Letter not found');
  assertLetterNotPurged(letter);
  return letter;
}

/** A forward goes out from the recipient's side when this client speaks for it, else from the sender's. */
function followUpSender(client: ApiClient, letter: LetterRow, kind: FollowUpKind): string {
  if (kind === 'reply-message' || client.senders.includes(letter.recipientSorId)) return letter.recipientSorId;
  return letter.senderSorId;
}

/** The earlier letter's attachments a follow-up carries again: a forward's, none for a reply. */
export async function carriedAttachments(deps: IntakeDeps, previous: LetterRow, kind: FollowUpKind) {
  return kind === 'forward-message' ? await getAttachments(deps.db, previous.id) : [];
}

/** A follow-up's own attachments as they were read: decoded and sealed while its body streamed. */
export interface StreamedFollowUpAttachments {
  letterId: string;
  spool: SealedSpool;
  /** The digest of the attachment at `position` (after the carried ones), held to its declared type. */
  finish(position: number, declaredType: string): AttachmentDigest;
}

/**
 * `POST /v1/messages/{id}/reply` and `/forward`: a new letter in MedCom's reply or forward form,
 * through the same guards, storage and delivery as any other. A reply keeps the thread and cites
 * earlier attachments; a forward starts a new thread and re-sends the earlier attachments' bytes.
 * The follow-up's own attachments come sealed, at the positions after the carried ones.
 */
export async function submitFollowUp(
  deps: IntakeDeps,
  client: ApiClient,
  previous: LetterRow,
  kind: FollowUpKind,
  body: Reply | Forward,
  streamed: StreamedFollowUpAttachments,
  idempotencyKey: string | undefined,
): Promise<AcceptedLetter> {
  const { vault } = deps;
  const previousBundle = readFhirXml(
    vault.open(previous.xmlTemplate, previous.keyId, templateAad(previous.id)).toString('utf8'),
  );
  const previousEnvelope = JSON.parse(
    vault.open(previous.envelope, previous.keyId, envelopeAad(previous.id)).toString('utf8'),
  ) as LetterEnvelope;
  const earlier = await carriedAttachments(deps, previous, kind);
  const added = body.attachments ?? [];
  const envelope: LetterEnvelope = {
    sender: { sorId: followUpSender(client, previous, kind) },
    recipient: 'recipient' in body ? body.recipient : { sorId: previous.senderSorId },
    patient: previousEnvelope.patient,
    category: body.category ?? (previous.category as LetterEnvelope['category']),
    ...((body.topic ?? previousEnvelope.topic) ? { topic: body.topic ?? previousEnvelope.topic } : {}),
    text: body.text,
    author: body.author,
    attachments: [
      ...earlier.map(({ title, contentType }) => ({ title, contentType: contentType as 'application/pdf' })),
      ...added.map(({ data: _data, ...meta }) => meta),
    ],
    ...(body.acknowledgedWarnings ? { acknowledgedWarnings: body.acknowledgedWarnings } : {}),
  };
  const { letterId } = streamed;
  const communicationId = kind === 'reply-message' ? previous.communicationId : randomUUID();
  const intake = await LetterIntake.open(deps, client, envelope, {
    idempotencyKey,
    sealed: { letterId, spool: streamed.spool },
    prepared: {
      letterId,
      communicationId,
      patientIdentifier: previousEnvelope.patient.cpr ?? previousEnvelope.patient.replacementCpr?.value ?? '',
      template: (routing) => {
        const bundle = buildFollowUp(previousBundle, {
          kind,
          letterId,
          communicationId,
          sentAt: new Date().toISOString(),
          sender: routing.sender,
          recipient: routing.recipient,
          category: envelope.category,
          ...(envelope.topic ? { topic: envelope.topic } : {}),
          text: body.text,
          author: body.author,
          attachments: added.map(({ title, contentType, creation }) => ({
            title: sanitiseTitle(title),
            contentType,
            ...(creation ? { creation } : {}),
          })),
        });
        const findings = checkCareCommunication(bundle);
        if (findings.length > 0)
          throw new ProblemError(422, 'letter-xml-invalid', 'The letter does not make a valid CareCommunication', '', {
            errors: findings.map((finding) => `${finding.rule}: ${finding.text}`),
          });
        return writeFhirXml(bundle);
      },
    },
  });
  try {
    for (const attachment of earlier)
      await intake.addAttachment(
        attachment.position,
        decryptedChunks(deps.db, vault, previous.id, attachment.position),
      );
    for (const [index, attachment] of added.entries()) {
      const position = earlier.length + index;
      intake.addSealedAttachment(position, streamed.finish(position, attachment.contentType));
    }
    return await intake.commit(async (tx, id) => {
      await appendAuditEvents(tx, { id: client.id, name: client.name }, [
        {
          action: kind === 'reply-message' ? 'replied' : 'forwarded',
          letterId: id,
          sorId: envelope.recipient.sorId,
          details: { previousLetterId: previous.id, communicationId },
        },
      ]);
    });
  } finally {
    await intake.abort();
  }
}

/** Reads whether a stored message is new, a reply or a forward, from its own Provenance. */
export function activityOf(deps: Pick<IntakeDeps, 'vault'>, letter: LetterRow): string {
  const template = deps.vault.open(letter.xmlTemplate, letter.keyId, templateAad(letter.id)).toString('utf8');
  return readCareCommunication(readFhirXml(template)).activity;
}
