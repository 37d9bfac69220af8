import { createHash } from 'node:crypto';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationCategories, type CategoryCode } from '../../schemas/categories.ts';
import { isPractitionerRoleCode, practitionerRoleCodes } from '../../schemas/practitioner-roles.ts';
import {
  attachmentPlaceholderPrefix,
  careCommunicationEventCode,
  careCommunicationUris as uri,
  fhirNamespace,
  identifierSystems,
  xhtmlNamespace,
} from '../../schemas/care-communication-xml.ts';

export interface OrganisationParty {
  sorId: string;
  ean: string;
  name: string;
}

export interface LetterDraft {
  /** UUID v4: Bundle.id and MessageHeader.id, so acknowledgements (which cite the MessageHeader id) lead back to the letter. */
  letterId: string;
  /** UUID v4 for Communication.identifier (`urn:uuid:…`); MedCom keeps it on replies, renews it on forwards. */
  communicationId: string;
  /** ISO 8601 date-time with offset or Z. */
  sentAt: string;
  sender: OrganisationParty;
  recipient: OrganisationParty;
  patient: { cpr: string; given: string; family: string };
  category: string;
  topic?: string;
  priority?: 'routine' | 'asap';
  text: string;
  author: { name: string; role: string; phone: string };
  attachments: Array<{ title: string; contentType: string; creation?: string; position: number }>;
}

/** What a stored template carries in `contentAttachment.data` until rendering streams in the bytes. */
export function attachmentPlaceholder(position: number): string {
  return `${attachmentPlaceholderPrefix}${position}`;
}

/**
 * Stable ids for the letter's internal resources, derived from the letterId so the same draft
 * always builds the same XML. They carry the UUID v4 version and variant bits because MedCom's
 * validators expect v4-shaped ids.
 */
export function derivedId(letterId: string, name: string): string {
  const bytes = createHash('sha256').update(`${letterId}/${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// XML 1.0 Char production; anything else cannot be carried by the letter at all.
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Prepares user text for xmlbuilder2, which leaves `&` unescaped when it already looks like an
 * entity (`&amp;`, `&#10;`, `&nbsp;`): escaping every `&` first makes it escape exactly once.
 * Line breaks become `&#10;` (rewritten to MedCom's `&#xA;` after serialising) because a raw
 * newline in an attribute is read back as a space.
 */
function escapedText(field: string, text: string, inAttribute: boolean): string {
  if (notXmlChar.test(text)) throw new RangeError(`letter-xml: ${field} contains characters not allowed in XML`);
  const normalised = text.replace(/\r\n?/g, '\n').replace(/&/g, '&amp;');
  return inAttribute ? normalised.replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : normalised;
}

function primitive(parent: XMLBuilder, name: string, value: string, field = name): XMLBuilder {
  return parent
    .ele(name)
    .att('value', escapedText(field, value, true))
    .up();
}

function reference(parent: XMLBuilder, name: string, target: string): XMLBuilder {
  return primitive(parent.ele(name), 'reference', target).up();
}

function coding(parent: XMLBuilder, system: string, code: string, field: string): XMLBuilder {
  const node = parent.ele('coding');
  primitive(node, 'system', system);
  primitive(node, 'code', code, field);
  return parent;
}

function extension(parent: XMLBuilder, url: string): XMLBuilder {
  return parent.ele('extension').att('url', url);
}

/** Narrative lines as xhtml paragraphs; line breaks inside a line become `<br/>`. */
function narrative(
  resource: XMLBuilder,
  status: 'generated' | 'extensions',
  lines: Array<[field: string, text: string]>,
): void {
  const text = resource.ele('text');
  primitive(text, 'status', status);
  const div = text.ele(xhtmlNamespace, 'div');
  for (const [field, line] of lines) {
    const paragraph = div.ele('p');
    escapedText(field, line, false)
      .split('\n')
      .forEach((part, index) => {
        if (index > 0) paragraph.ele('br');
        if (part.length > 0) paragraph.txt(part);
      });
  }
}

function splitName(name: string): { family: string; given: string[] } {
  const parts = name.trim().split(/\s+/);
  return { family: parts.pop() ?? '', given: parts };
}

interface Ids {
  messageHeader: string;
  patient: string;
  communication: string;
  practitionerRole: string;
  practitioner: string;
  sender: string;
  recipient: string;
  provenance: string;
}

function entry(bundle: XMLBuilder, type: string, id: string, profile: string): XMLBuilder {
  const node = bundle.ele('entry');
  primitive(node, 'fullUrl', `${uri.fullUrlBase}${type}/${id}`);
  const resource = node.ele('resource').ele(type);
  primitive(resource, 'id', id);
  primitive(resource.ele('meta'), 'profile', profile);
  return resource;
}

function organisation(bundle: XMLBuilder, id: string, party: OrganisationParty, role: 'sender' | 'recipient'): void {
  const resource = entry(bundle, 'Organization', id, uri.organizationProfile);
  narrative(resource, 'generated', [[`${role}.name`, `${party.name} (SOR ${party.sorId}, EAN ${party.ean})`]]);
  for (const [system, value, field] of [
    [identifierSystems.ean, party.ean, `${role}.ean`],
    [identifierSystems.sor, party.sorId, `${role}.sorId`],
  ] as const) {
    const identifier = resource.ele('identifier');
    primitive(identifier, 'system', system);
    primitive(identifier, 'value', value, field);
  }
  primitive(resource, 'name', party.name, `${role}.name`);
}

function messageHeader(bundle: XMLBuilder, draft: LetterDraft, ids: Ids): void {
  const resource = entry(bundle, 'MessageHeader', ids.messageHeader, uri.messageHeaderProfile);
  narrative(resource, 'generated', [
    ['sender.name', `Korrespondancemeddelelse fra ${draft.sender.name} til ${draft.recipient.name}`],
  ]);
  const event = resource.ele('eventCoding');
  primitive(event, 'system', uri.eventCodes);
  primitive(event, 'code', careCommunicationEventCode);
  const destination = resource.ele('destination');
  const use = extension(destination, uri.destinationUseExtension).ele('valueCoding');
  primitive(use, 'system', uri.destinationUse);
  primitive(use, 'code', 'primary');
  primitive(destination, 'endpoint', `${uri.sorEndpointBase}${draft.recipient.sorId}`, 'recipient.sorId');
  reference(destination, 'receiver', `Organization/${ids.recipient}`);
  reference(resource, 'sender', `Organization/${ids.sender}`);
  primitive(resource.ele('source'), 'endpoint', `${uri.sorEndpointBase}${draft.sender.sorId}`, 'sender.sorId');
  reference(resource, 'focus', `Communication/${ids.communication}`);
  primitive(resource, 'definition', uri.messageDefinition);
}

function patient(bundle: XMLBuilder, draft: LetterDraft, ids: Ids): void {
  const resource = entry(bundle, 'Patient', ids.patient, uri.patientProfile);
  const { cpr, given, family } = draft.patient;
  narrative(resource, 'generated', [['patient', `${given} ${family}, CPR ${cpr.slice(0, 6)}-${cpr.slice(6)}`]]);
  const identifier = resource.ele('identifier');
  primitive(identifier, 'system', identifierSystems.cpr);
  primitive(identifier, 'value', cpr, 'patient.cpr');
  const name = resource.ele('name');
  primitive(name, 'use', 'official');
  primitive(name, 'family', family, 'patient.family');
  for (const part of given.trim().split(/\s+/).filter(Boolean)) primitive(name, 'given', part, 'patient.given');
}

/** Segment identifiers are what Provenance lists and what a reply cites, so they are stable too. */
function segmentIds(draft: LetterDraft): string[] {
  return [
    derivedId(draft.letterId, 'segment/text'),
    ...draft.attachments.map((a) => derivedId(draft.letterId, `segment/attachment/${a.position}`)),
  ];
}

function segmentHeader(payload: XMLBuilder, draft: LetterDraft, ids: Ids, segmentId: string): void {
  primitive(extension(payload, uri.datetimeExtension), 'valueDateTime', draft.sentAt, 'sentAt');
  const identifier = extension(payload, uri.identifierExtension).ele('valueIdentifier');
  primitive(identifier, 'value', `urn:uuid:${segmentId}`);
  reference(identifier, 'assigner', `Organization/${ids.sender}`);
}

function communication(bundle: XMLBuilder, draft: LetterDraft, ids: Ids): void {
  const resource = entry(bundle, 'Communication', ids.communication, uri.communicationProfile);
  const label = careCommunicationCategories[draft.category as CategoryCode];
  // MedCom: priority is only meaningful, and only allowed, on a letter about a referral.
  const priority = draft.category === 'regarding-referral' ? draft.priority : undefined;
  const { author } = draft;
  narrative(resource, 'extensions', [
    ['category', `Kategori: ${label}`],
    ...(draft.topic !== undefined ? [['topic', `Emne: ${draft.topic}`] as [string, string]] : []),
    ...(priority !== undefined ? [['priority', `Prioritet: ${priority}`] as [string, string]] : []),
    ['author', `Sendt ${draft.sentAt} af ${author.name} (${author.role}), tlf. ${author.phone}`],
    ['text', draft.text],
    ...draft.attachments.map((a, i): [string, string] => [`attachments[${i}]`, `Bilag: ${a.title} (${a.contentType})`]),
  ]);
  primitive(resource.ele('identifier'), 'value', `urn:uuid:${draft.communicationId}`, 'communicationId');
  primitive(resource, 'status', 'unknown');
  coding(resource.ele('category'), uri.categoryCodes, draft.category, 'category');
  if (priority !== undefined) primitive(resource, 'priority', priority);
  reference(resource, 'subject', `Patient/${ids.patient}`);
  if (draft.topic !== undefined) primitive(resource.ele('topic'), 'text', draft.topic, 'topic');

  const [textSegment = '', ...attachmentSegments] = segmentIds(draft);
  const text = resource.ele('payload');
  segmentHeader(text, draft, ids, textSegment);
  reference(extension(text, uri.practitionerExtension), 'valueReference', `PractitionerRole/${ids.practitionerRole}`);
  const phone = extension(text, uri.contactExtension).ele('valueContactPoint');
  primitive(phone, 'system', 'phone');
  primitive(phone, 'value', author.phone, 'author.phone');
  primitive(text, 'contentString', draft.text, 'text');

  draft.attachments.forEach((attachment, index) => {
    const payload = resource.ele('payload');
    segmentHeader(payload, draft, ids, attachmentSegments[index] ?? '');
    const content = payload.ele('contentAttachment');
    primitive(content, 'contentType', attachment.contentType, `attachments[${index}].contentType`);
    primitive(content, 'data', attachmentPlaceholder(attachment.position));
    // MedCom: the title is shown as given; no file extension is added.
    primitive(content, 'title', attachment.title, `attachments[${index}].title`);
    if (attachment.creation !== undefined)
      primitive(content, 'creation', attachment.creation, `attachments[${index}].creation`);
  });
}

function author(bundle: XMLBuilder, draft: LetterDraft, ids: Ids): void {
  const role = entry(bundle, 'PractitionerRole', ids.practitionerRole, uri.practitionerRoleProfile);
  const roleName = draft.author.role;
  const known = isPractitionerRoleCode(roleName);
  narrative(role, 'generated', [['author.role', known ? practitionerRoleCodes[roleName] : roleName]]);
  reference(role, 'practitioner', `Practitioner/${ids.practitioner}`);
  // MedCom: a role from its SKS list is sent as that code, any other role as plain text (never as a made-up code).
  if (known) coding(role.ele('code'), uri.practitionerRoles, roleName, 'author.role');
  else primitive(role.ele('code'), 'text', roleName, 'author.role');

  const practitioner = entry(bundle, 'Practitioner', ids.practitioner, uri.practitionerProfile);
  narrative(practitioner, 'generated', [['author.name', draft.author.name]]);
  const { family, given } = splitName(draft.author.name);
  const name = practitioner.ele('name');
  primitive(name, 'family', family, 'author.name');
  for (const part of given) primitive(name, 'given', part, 'author.name');
}

function provenance(bundle: XMLBuilder, draft: LetterDraft, ids: Ids): void {
  const resource = entry(bundle, 'Provenance', ids.provenance, uri.provenanceProfile);
  narrative(resource, 'generated', [['sender.name', `Ny meddelelse sendt ${draft.sentAt} af ${draft.sender.name}`]]);
  reference(resource, 'target', `MessageHeader/${ids.messageHeader}`);
  primitive(resource, 'occurredDateTime', draft.sentAt, 'sentAt');
  primitive(resource, 'recorded', draft.sentAt, 'sentAt');
  coding(resource.ele('activity'), uri.activityCodes, 'new-message', 'activity');
  reference(resource.ele('agent'), 'who', `Organization/${ids.sender}`);
  // Provenance lists every segment this message adds, so a later reply can tell old from new.
  for (const segmentId of segmentIds(draft)) {
    const entity = resource.ele('entity');
    primitive(entity, 'role', 'source');
    primitive(entity.ele('what').ele('identifier'), 'value', `urn:uuid:${segmentId}`);
  }
}

function assertBuildable(draft: LetterDraft): void {
  if (!(draft.category in careCommunicationCategories)) throw new RangeError('letter-xml: unknown category');
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
  const ids: Ids = {
    messageHeader: draft.letterId,
    patient: id('Patient'),
    communication: id('Communication'),
    practitionerRole: id('PractitionerRole'),
    practitioner: id('Practitioner'),
    sender: id('Organization/sender'),
    recipient: id('Organization/recipient'),
    provenance: id('Provenance'),
  };
  const bundle = create({ version: '1.0', encoding: 'UTF-8' }).ele(fhirNamespace, 'Bundle');
  primitive(bundle, 'id', draft.letterId, 'letterId');
  primitive(bundle.ele('meta'), 'profile', uri.messageProfile);
  primitive(bundle, 'type', 'message');
  primitive(bundle, 'timestamp', draft.sentAt, 'sentAt');
  messageHeader(bundle, draft, ids);
  patient(bundle, draft, ids);
  communication(bundle, draft, ids);
  author(bundle, draft, ids);
  organisation(bundle, ids.sender, draft.sender, 'sender');
  organisation(bundle, ids.recipient, draft.recipient, 'recipient');
  provenance(bundle, draft, ids);
  // Only escapedText writes `&#10;`/`&#9;` (every user `&` is already `&amp;`), so this rewrite is exact.
  return bundle.end({ prettyPrint: true }).replace(/&#10;/g, '&#xA;').replace(/&#9;/g, '&#x9;');
}
