import { randomUUID } from 'node:crypto';
import { hl7OperationOutcomeSystem, issueDetailsSystemOf } from '../../schemas/acknowledgement-codes.ts';
import type { FhirBody } from '../http/json-body.ts';
import { readCareCommunication } from '../medcom/care-communication-read.ts';
import { readFhirXml, type FhirResource } from '../medcom/fhir-xml-read.ts';
import type { ProblemError } from '../platform/problem.ts';
import { buildAcknowledgementBundle } from './acknowledgement-bundle-build.ts';

/**
 * The MedCom `fatal-error` Acknowledgement a sending system gets instead of problem+json when it
 * asks for FHIR: Postbud answers for the addressed receiver, which never saw the message. The
 * OperationOutcome carries the MedCom error code and the problem's title and detail (which never
 * quote the message). Undefined when the message cannot be read far enough to name its parties.
 */
export function refusalAcknowledgement(body: FhirBody, problem: ProblemError): FhirResource | undefined {
  let message: ReturnType<typeof readCareCommunication>;
  try {
    const bundle = body.fhir === 'xml' ? readFhirXml(body.text) : (body.json as FhirResource);
    message = readCareCommunication(bundle);
  } catch {
    return undefined;
  }
  if (!message.messageHeaderId || !message.sender.sorId || !message.recipient.sorId) return undefined;
  const medcomCode = typeof problem.extra.medcomCode === 'string' ? problem.extra.medcomCode : 'MSG_BAD_FORMAT';
  const now = new Date().toISOString();
  return buildAcknowledgementBundle({
    bundleId: randomUUID(),
    timestamp: now,
    messageHeaderId: randomUUID(),
    code: 'fatal-error',
    issues: [
      {
        severity: 'error',
        code: problem.status === 409 ? 'duplicate' : 'invalid',
        details: {
          coding: [{ system: issueDetailsSystemOf(medcomCode) ?? hl7OperationOutcomeSystem, code: medcomCode }],
          text: [problem.title, problem.detail].filter(Boolean).join(': '),
        },
      },
    ],
    acknowledgedAt: now,
    letter: {
      id: message.messageHeaderId,
      messageHeaderId: message.messageHeaderId,
      activity: message.activity ?? 'new-message',
      sentAt: now,
    },
    acknowledging: {
      sorId: message.recipient.sorId,
      ean: message.recipient.ean,
      name: `SOR ${message.recipient.sorId}`,
    },
    acknowledged: { sorId: message.sender.sorId, ean: message.sender.ean, name: `SOR ${message.sender.sorId}` },
  });
}
