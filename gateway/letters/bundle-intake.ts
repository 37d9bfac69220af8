import type { LetterEnvelope } from '../../schemas/letter.ts';
import { patientIdentifierSystems } from '../../schemas/patient-identifiers.ts';
import { AttachmentInspector, decodeBase64Strict } from '../attachments/attachment-checks.ts';
import { appendAuditEvents } from '../audit/audit-trail.ts';
import type { ApiClient } from '../clients/client-store.ts';
import type { FhirBody } from '../http/json-body.ts';
import { checkCareCommunication, type BundleFinding } from '../medcom/care-communication-check.ts';
import {
  letterIdOfMessageHeader,
  readCareCommunication,
  withAttachmentPlaceholders,
  type InboundLetter,
} from '../medcom/care-communication-read.ts';
import type { MedcomErrorCode } from '../medcom/care-communication-rules.ts';
import { readFhirXml, type FhirResource } from '../medcom/fhir-xml-read.ts';
import { FhirJsonError, writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { LetterXmlError } from '../medcom/xml-safety.ts';
import { ProblemError } from '../platform/problem.ts';
import { LetterIntake, type AcceptedLetter, type IntakeDeps } from './letter-intake.ts';

/** A refused MedCom message: problem+json that also carries the MedCom error code. */
export function medcomProblem(
  medcomCode: MedcomErrorCode,
  title: string,
  detail: string,
  errors: string[] = [],
): ProblemError {
  return new ProblemError(422, 'medcom-message-invalid', title, detail, {
    medcomCode,
    ...(errors.length > 0 ? { errors } : {}),
  });
}

function bundleOf(body: FhirBody): FhirResource {
  if (body.fhir === 'xml') {
    try {
      return readFhirXml(body.text);
    } catch (error) {
      if (error instanceof LetterXmlError)
        throw medcomProblem('MSG_BAD_SYNTAX', 'The message is not FHIR XML', error.message);
      throw error;
    }
  }
  const json = body.json as Partial<FhirResource> | null;
  if (json === null || typeof json !== 'object' || typeof json.resourceType !== 'string')
    throw medcomProblem('MSG_JSON_OBJECT', 'The message is not a FHIR resource', 'Send a Bundle as FHIR JSON.');
  return json as FhirResource;
}

/** The message with attachment bytes left out: what the checks read, without copying megabytes. */
function withoutData(bundle: FhirResource): FhirResource {
  return JSON.parse(JSON.stringify(bundle, (key, value: unknown) => (key === 'data' ? 'AA==' : value))) as FhirResource;
}

function refusedFor(findings: BundleFinding[]): ProblemError {
  return medcomProblem(
    findings[0]!.code,
    'The message is not a CareCommunication 5.0 Postbud can receive',
    `${findings.length} rule(s) of MedCom's CareCommunication 5.0 profiles are broken; see errors.`,
    findings.map((finding) => `${finding.rule}: ${finding.text}`),
  );
}

/** The Bundle's patient identifier in the JSON letter's terms: a CPR, or an X-eCPR or D-eCPR. */
function patientIdentifierOf(
  patient: InboundLetter['patient'],
): Pick<LetterEnvelope['patient'], 'cpr' | 'replacementCpr'> {
  if (patient.system === patientIdentifierSystems.cpr) return { cpr: patient.identifier };
  const system = patient.system === patientIdentifierSystems['x-ecpr'] ? 'x-ecpr' : 'd-ecpr';
  return { replacementCpr: { system, value: patient.identifier } };
}

/** The JSON letter the guards, the audit trail and a later reroute read, as the Bundle says it. */
function envelopeOf(letter: InboundLetter, acknowledgedWarnings: string[]): LetterEnvelope {
  return {
    sender: { sorId: letter.sender.sorId },
    recipient: { sorId: letter.recipient.sorId },
    patient: {
      ...patientIdentifierOf(letter.patient),
      name: {
        ...(letter.patient.given ? { given: letter.patient.given } : {}),
        ...(letter.patient.family ? { family: letter.patient.family } : {}),
      },
    },
    category: letter.category as LetterEnvelope['category'],
    ...(letter.topic ? { topic: letter.topic } : {}),
    ...(letter.priority ? { priority: letter.priority } : {}),
    text: letter.text,
    author: letter.author,
    attachments: letter.attachments.map(({ title, contentType, creation }) => ({
      title,
      contentType: contentType as NonNullable<LetterEnvelope['attachments']>[number]['contentType'],
      ...(creation ? { creation } : {}),
    })),
    ...(acknowledgedWarnings.length > 0 ? { acknowledgedWarnings } : {}),
  };
}

/** Every attachment passes the same checks as on the JSON path, before any warning is asked about. */
function assertAttachmentsReceivable(deps: IntakeDeps, letter: InboundLetter, files: Buffer[]): void {
  files.forEach((bytes, position) => {
    const inspector = new AttachmentInspector(letter.attachments[position]!.contentType, deps.config.limits);
    inspector.update(bytes);
    inspector.finish();
  });
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

const uniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/**
 * A CareCommunication 5.0 Bundle as an EPJ builds it: checked against MedCom's profiles, routed
 * through the same directory and misroute guards as a JSON letter, stored with its content as
 * sent. The MessageHeader.id is the letter's id and the idempotency key: a resend (same
 * MessageHeader.id, new Bundle.id) answers as the first time did and is never delivered twice.
 */
export async function submitBundle(
  deps: IntakeDeps,
  client: ApiClient,
  body: FhirBody,
  acknowledgedWarnings: string[],
): Promise<AcceptedLetter & { activity: InboundLetter['activity'] }> {
  const bundle = bundleOf(body);
  const findings = checkCareCommunication(withoutData(bundle));
  if (findings.length > 0) throw refusedFor(findings);
  const letter = readCareCommunication(bundle);
  const files = letter.attachments.map((attachment) => decodeBase64Strict(attachment.data));
  assertAttachmentsReceivable(deps, letter, files);
  let template: string;
  try {
    template = writeFhirXml(withAttachmentPlaceholders(bundle));
  } catch (error) {
    if (error instanceof FhirJsonError) throw medcomProblem('MSG_BAD_FORMAT', 'The message is not FHIR', error.message);
    throw error;
  }
  const letterId = letterIdOfMessageHeader(letter.messageHeaderId);
  let intake: LetterIntake | undefined;
  try {
    intake = await LetterIntake.open(deps, client, envelopeOf(letter, acknowledgedWarnings), {
      idempotencyKey: `MessageHeader/${letter.messageHeaderId}`,
      prepared: {
        letterId,
        communicationId: letter.communicationId,
        template,
        patientIdentifier: letter.patient.identifier,
        ...(letter.recipient.ean ? { claimedRecipientEan: letter.recipient.ean } : {}),
      },
    });
    for (const [position, bytes] of files.entries()) await intake.addAttachment(position, once(bytes));
    const accepted = await intake.commit(async (tx) => {
      await appendAuditEvents(tx, { id: client.id, name: client.name }, [
        {
          action: 'medcom-received',
          letterId,
          sorId: letter.recipient.sorId,
          details: {
            activity: letter.activity,
            messageHeaderId: letter.messageHeaderId,
            bundleId: String(bundle.id),
            communicationId: letter.communicationId,
          },
        },
      ]);
    });
    return { ...accepted, activity: letter.activity };
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'idempotency-key-reused')
      throw new ProblemError(
        409,
        'message-id-reused',
        'MessageHeader.id already used for another message',
        'A resend keeps the MessageHeader.id and the content; a new message needs a new MessageHeader.id.',
        { medcomCode: 'MSG_DUPLICATE_ID' },
      );
    if (uniqueViolation(error))
      throw new ProblemError(
        409,
        'message-id-in-use',
        'MessageHeader.id already used',
        'Another letter already has this MessageHeader.id; a new message needs a new one.',
        { medcomCode: 'MSG_DUPLICATE_ID' },
      );
    throw error;
  } finally {
    await intake?.abort();
  }
}
