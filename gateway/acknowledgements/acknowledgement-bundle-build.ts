import type { AcknowledgementIssue } from '../../schemas/acknowledgement.ts';
import {
  acknowledgementActivityCode,
  acknowledgementEventCode,
  acknowledgementUris as ack,
  type ResponseCode,
} from '../../schemas/acknowledgement-codes.ts';
import {
  careCommunicationUris as uri,
  identifierSystems,
  xhtmlNamespace,
} from '../../schemas/care-communication-xml.ts';
import type { FhirResource } from '../medcom/fhir-xml-read.ts';
import { derivedId } from '../medcom/letter-xml.ts';

export interface AcknowledgementOrganisation {
  sorId: string;
  ean?: string | undefined;
  name: string;
}

/** Everything an Acknowledgement Bundle says: the acknowledgement as received, and the letter it answers. */
export interface AcknowledgementDraft {
  /** New at each sending (MedCom), as is the timestamp. */
  bundleId: string;
  timestamp: string;
  /** The acknowledgement's own MessageHeader.id, kept at each sending. */
  messageHeaderId: string;
  code: ResponseCode;
  issues: AcknowledgementIssue[];
  acknowledgedAt: string;
  letter: {
    id: string;
    /** The acknowledged MessageHeader.id: response.identifier. */
    messageHeaderId: string;
    activity: string;
    sentAt: string;
  };
  /** The letter's recipient, who acknowledges. */
  acknowledging: AcknowledgementOrganisation;
  /** The letter's sender, who receives the acknowledgement. */
  acknowledged: AcknowledgementOrganisation;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escaped = (text: string) => text.replace(/[&<>"]/g, (c) => escapes[c]!);

/** A generated narrative: MedCom wants one in every resource; it repeats what the elements say. */
function narrative(lines: string[]) {
  const paragraphs = lines.map((line) => `<p>${escaped(line)}</p>`).join('');
  return { status: 'generated', div: `<div xmlns="${xhtmlNamespace}">${paragraphs}</div>` };
}

const reference = (type: string, id: string) => ({ reference: `${type}/${id}` });
const activity = (code: string) => ({ coding: [{ system: uri.activityCodes, code }] });

function organization(id: string, party: AcknowledgementOrganisation): FhirResource {
  return {
    resourceType: 'Organization',
    id,
    meta: { profile: [uri.organizationProfile] },
    text: narrative([`${party.name} (SOR ${party.sorId}${party.ean ? `, EAN ${party.ean}` : ''})`]),
    identifier: [
      ...(party.ean ? [{ system: identifierSystems.ean, value: party.ean }] : []),
      { system: identifierSystems.sor, value: party.sorId },
    ],
    name: party.name,
  };
}

function provenance(
  id: string,
  target: string,
  at: string,
  code: string,
  agent: string,
  entity?: { role: string; what: { reference: string } },
) {
  return {
    resourceType: 'Provenance',
    id,
    meta: { profile: [ack.provenanceProfile] },
    text: narrative([`${code} ${at}`, `MessageHeader/${target}`]),
    target: [reference('MessageHeader', target)],
    occurredDateTime: at,
    recorded: at,
    activity: activity(code),
    agent: [{ who: reference('Organization', agent) }],
    ...(entity ? { entity: [entity] } : {}),
  };
}

function operationOutcome(id: string, issues: AcknowledgementIssue[]): FhirResource {
  const lines = issues.map((issue) =>
    [issue.severity, issue.code, ...(issue.details?.coding ?? []).map((c) => c.code), issue.details?.text ?? '']
      .filter(Boolean)
      .join(' · '),
  );
  return {
    resourceType: 'OperationOutcome',
    id,
    meta: { profile: [ack.operationOutcomeProfile] },
    text: narrative(lines),
    // Rebuilt in R4 element order: the XML is written in the order of the JSON.
    issue: issues.map(({ severity, code, details }) => ({
      severity,
      code,
      ...(details
        ? {
            details: {
              ...(details.coding ? { coding: details.coding.map((c) => ({ system: c.system, code: c.code })) } : {}),
              ...(details.text ? { text: details.text } : {}),
            },
          }
        : {}),
    })),
  };
}

/**
 * The MedCom Acknowledgement 2.0 message (FHIR JSON, elements in R4 order) a sending system gets
 * for its letter: MessageHeader of the acknowledgementHeader profile from the letter's recipient
 * to its sender, the letter's Provenance and the acknowledgement's (activity `acknowledgement`,
 * entity the acknowledged MessageHeader), both Organizations with SOR id and EAN, and the
 * OperationOutcome unless the code is `ok`.
 */
export function buildAcknowledgementBundle(draft: AcknowledgementDraft): FhirResource {
  const ids = {
    acknowledging: derivedId(draft.letter.id, 'Organization/recipient'),
    acknowledged: derivedId(draft.letter.id, 'Organization/sender'),
    letterProvenance: derivedId(draft.letter.id, 'Provenance'),
    provenance: derivedId(draft.messageHeaderId, 'acknowledgement/Provenance'),
    outcome: derivedId(draft.messageHeaderId, 'acknowledgement/OperationOutcome'),
  };
  const withOutcome = draft.code !== 'ok';
  const header = {
    resourceType: 'MessageHeader',
    id: draft.messageHeaderId,
    meta: { profile: [ack.headerProfile] },
    text: narrative([
      `Kvittering (${draft.code}) for MessageHeader/${draft.letter.messageHeaderId}`,
      `Fra ${draft.acknowledging.name} (SOR ${draft.acknowledging.sorId}) til ${draft.acknowledged.name} (SOR ${draft.acknowledged.sorId})`,
    ]),
    eventCoding: { system: uri.eventCodes, code: acknowledgementEventCode },
    destination: [
      {
        extension: [{ url: uri.destinationUseExtension, valueCoding: { system: uri.destinationUse, code: 'primary' } }],
        endpoint: `${uri.sorEndpointBase}${draft.acknowledged.sorId}`,
        receiver: reference('Organization', ids.acknowledged),
      },
    ],
    sender: reference('Organization', ids.acknowledging),
    source: { endpoint: `${uri.sorEndpointBase}${draft.acknowledging.sorId}` },
    response: {
      identifier: draft.letter.messageHeaderId,
      code: draft.code,
      ...(withOutcome ? { details: reference('OperationOutcome', ids.outcome) } : {}),
    },
  };
  const resources: FhirResource[] = [
    header,
    provenance(
      ids.letterProvenance,
      draft.letter.messageHeaderId,
      draft.letter.sentAt,
      draft.letter.activity,
      ids.acknowledged,
    ),
    provenance(
      ids.provenance,
      draft.messageHeaderId,
      draft.acknowledgedAt,
      acknowledgementActivityCode,
      ids.acknowledging,
      {
        role: 'revision',
        what: { reference: `MessageHeader/${draft.letter.messageHeaderId}` },
      },
    ),
    organization(ids.acknowledging, draft.acknowledging),
    organization(ids.acknowledged, draft.acknowledged),
    ...(withOutcome ? [operationOutcome(ids.outcome, draft.issues)] : []),
  ];
  return {
    resourceType: 'Bundle',
    id: draft.bundleId,
    meta: { profile: [ack.messageProfile] },
    type: 'message',
    timestamp: draft.timestamp,
    entry: resources.map((resource) => ({
      fullUrl: `${ack.fullUrlBase}${resource.resourceType}/${String(resource.id)}`,
      resource,
    })),
  };
}
