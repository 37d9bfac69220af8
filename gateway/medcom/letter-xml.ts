import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationCategories, type CategoryCode } from '../../schemas/categories.ts';
import { careCommunicationEventCode, careCommunicationUris as uri } from '../../schemas/care-communication-xml.ts';
import { derivedId, type LetterDraft, type LetterIds } from './letter-draft.ts';
import { encounter } from './letter-xml-encounter.ts';
import { payloads, segmentIds } from './letter-xml-payload.ts';
import {
  author,
  organisation,
  patient,
  specificParty,
  specificPartyLabel,
  specificPartyReference,
} from './letter-xml-parties.ts';
import { coding, entry, extension, narrative, primitive, reference, serialised } from './letter-xml-writer.ts';

export {
  attachmentPlaceholder,
  derivedId,
  type LetterDraft,
  type OrganisationParty,
  type SpecificParty,
} from './letter-draft.ts';

function messageHeader(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const resource = entry(bundle, 'MessageHeader', ids.messageHeader, uri.messageHeaderProfile);
  narrative(resource, 'generated', [
    ['sender.name', `Korrespondancemeddelelse fra ${draft.sender.name} til ${draft.recipient.name}`],
  ]);
  const event = resource.ele(null, 'eventCoding');
  primitive(event, 'system', uri.eventCodes);
  primitive(event, 'code', careCommunicationEventCode);
  const destination = resource.ele(null, 'destination');
  const use = extension(destination, uri.destinationUseExtension).ele(null, 'valueCoding');
  primitive(use, 'system', uri.destinationUse);
  primitive(use, 'code', 'primary');
  primitive(destination, 'endpoint', `${uri.sorEndpointBase}${draft.recipient.sorId}`, 'recipient.sorId');
  reference(destination, 'receiver', `Organization/${ids.recipient}`);
  reference(resource, 'sender', `Organization/${ids.sender}`);
  primitive(resource.ele(null, 'source'), 'endpoint', `${uri.sorEndpointBase}${draft.sender.sorId}`, 'sender.sorId');
  reference(resource, 'focus', `Communication/${ids.communication}`);
  primitive(resource, 'definition', uri.messageDefinition);
}

type NarrativeLine = [field: string, text: string];

/** What a person reading the letter sees of the Communication, line by line. */
function communicationNarrative(draft: LetterDraft, label: string, priority: string | undefined): NarrativeLine[] {
  const { author } = draft;
  const optional = (field: string, text: string | undefined): NarrativeLine[] =>
    text === undefined ? [] : [[field, text]];
  return [
    ['category', `Kategori: ${label}`],
    ...optional('topic', draft.topic && `Emne: ${draft.topic}`),
    ...optional('priority', priority && `Prioritet: ${priority}`),
    ...optional('episodeOfCare', draft.episodeOfCare && `Forløb: ${draft.episodeOfCare.value}`),
    ...optional('specificSender', draft.specificSender && `Afsender: ${specificPartyLabel(draft.specificSender)}`),
    ...optional(
      'specificRecipient',
      draft.specificRecipient && `Modtager: ${specificPartyLabel(draft.specificRecipient)}`,
    ),
    ['author', `Sendt ${draft.sentAt} af ${author.name} (${author.role}), tlf. ${author.phone}`],
    ['text', draft.text],
    ...draft.attachments.map((a, i): NarrativeLine => [`attachments[${i}]`, `Bilag: ${a.title} (${a.contentType})`]),
    ...(draft.links ?? []).map((l, i): NarrativeLine => [`links[${i}]`, `Link: ${l.title} (${l.url})`]),
  ];
}

function communication(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const resource = entry(bundle, 'Communication', ids.communication, uri.communicationProfile);
  const label = careCommunicationCategories[draft.category as CategoryCode];
  // MedCom: priority is only meaningful, and only allowed, on a letter about a referral.
  const priority = draft.category === 'regarding-referral' ? draft.priority : undefined;
  narrative(resource, 'extensions', communicationNarrative(draft, label, priority));
  if (draft.specificSender) {
    const target = specificPartyReference(draft.specificSender, ids.specificSender);
    reference(extension(resource, uri.senderExtension), 'valueReference', target);
  }
  primitive(resource.ele(null, 'identifier'), 'value', `urn:uuid:${draft.communicationId}`, 'communicationId');
  primitive(resource, 'status', 'unknown');
  coding(resource.ele(null, 'category'), uri.categoryCodes, draft.category, 'category');
  if (priority !== undefined) primitive(resource, 'priority', priority);
  reference(resource, 'subject', `Patient/${ids.patient}`);
  if (draft.topic !== undefined) primitive(resource.ele(null, 'topic'), 'text', draft.topic, 'topic');
  // MedCom (medcom-careCommunication-15): Communication.encounter exactly when an Encounter is sent.
  if (draft.episodeOfCare !== undefined) reference(resource, 'encounter', `Encounter/${ids.encounter}`);
  if (draft.specificRecipient)
    reference(resource, 'recipient', specificPartyReference(draft.specificRecipient, ids.specificRecipient));

  payloads(resource, draft, ids);
}

function provenance(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const resource = entry(bundle, 'Provenance', ids.provenance, uri.provenanceProfile);
  narrative(resource, 'generated', [['sender.name', `Ny meddelelse sendt ${draft.sentAt} af ${draft.sender.name}`]]);
  reference(resource, 'target', `MessageHeader/${ids.messageHeader}`);
  primitive(resource, 'occurredDateTime', draft.sentAt, 'sentAt');
  primitive(resource, 'recorded', draft.sentAt, 'sentAt');
  coding(resource.ele(null, 'activity'), uri.activityCodes, 'new-message', 'activity');
  reference(resource.ele(null, 'agent'), 'who', `Organization/${ids.sender}`);
  // Provenance lists every segment this message adds, so a later reply can tell old from new.
  for (const segmentId of segmentIds(draft)) {
    const entity = resource.ele(null, 'entity');
    primitive(entity, 'role', 'source');
    primitive(entity.ele(null, 'what').ele(null, 'identifier'), 'value', `urn:uuid:${segmentId}`);
  }
}

function assertBuildable(draft: LetterDraft): void {
  if (!(draft.category in careCommunicationCategories)) throw new RangeError('letter-xml: unknown category');
  if ((draft.patient.cpr === undefined) === (draft.patient.replacementCpr === undefined)) {
    throw new RangeError('letter-xml: the patient needs exactly one of a CPR and a replacement CPR');
  }
  if (draft.patient.family === undefined && !draft.patient.given?.trim()) {
    throw new RangeError('letter-xml: the patient needs a given name when the family name is unknown');
  }
  const positions = draft.attachments.map((a) => a.position);
  if (positions.some((p) => !Number.isSafeInteger(p) || p < 0) || new Set(positions).size !== positions.length) {
    throw new RangeError('letter-xml: attachment positions must be distinct non-negative integers');
  }
}

/**
 * The letter as a MedCom CareCommunication message Bundle in FHIR XML, shaped like MedCom's
 * published examples. Attachment bytes are not in the draft: each `data` holds
 * `attachmentPlaceholder(position)` and renderLetterXml streams the base64 in.
 */
export function buildLetterXml(draft: LetterDraft): string {
  assertBuildable(draft);
  const id = (name: string) => derivedId(draft.letterId, name);
  const ids: LetterIds = {
    messageHeader: draft.letterId,
    patient: id('Patient'),
    communication: id('Communication'),
    practitionerRole: id('PractitionerRole'),
    practitioner: id('Practitioner'),
    sender: id('Organization/sender'),
    recipient: id('Organization/recipient'),
    provenance: id('Provenance'),
    encounter: id('Encounter'),
    specificSender: id('specific/sender'),
    specificSenderPractitioner: id('specific/sender/Practitioner'),
    specificRecipient: id('specific/recipient'),
    specificRecipientPractitioner: id('specific/recipient/Practitioner'),
  };
  const bundle = create({ version: '1.0', encoding: 'UTF-8' }).ele(null, 'Bundle'); // namespace: see serialised()
  // Bundle.id names one sending; each sending gets its own (stampSending), the stored letter this one.
  primitive(bundle, 'id', id('Bundle'), 'letterId');
  primitive(bundle.ele(null, 'meta'), 'profile', uri.messageProfile);
  primitive(bundle, 'type', 'message');
  primitive(bundle, 'timestamp', draft.sentAt, 'sentAt');
  messageHeader(bundle, draft, ids);
  patient(bundle, draft, ids);
  communication(bundle, draft, ids);
  author(bundle, draft, ids);
  encounter(bundle, draft, ids);
  if (draft.specificSender) {
    const own = { resource: ids.specificSender, practitioner: ids.specificSenderPractitioner };
    specificParty(bundle, draft.specificSender, own, ids.sender, 'specificSender');
  }
  if (draft.specificRecipient) {
    const own = { resource: ids.specificRecipient, practitioner: ids.specificRecipientPractitioner };
    specificParty(bundle, draft.specificRecipient, own, ids.recipient, 'specificRecipient');
  }
  organisation(bundle, ids.sender, draft.sender, 'sender');
  organisation(bundle, ids.recipient, draft.recipient, 'recipient');
  provenance(bundle, draft, ids);
  return serialised(bundle);
}
