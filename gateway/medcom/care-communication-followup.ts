import { randomUUID } from 'node:crypto';
import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';
import { isPractitionerRoleCode } from '../../schemas/practitioner-roles.ts';
import type { FhirResource } from './fhir-xml-read.ts';
import { attachmentPlaceholder, type OrganisationParty } from './letter-xml.ts';

/** A reply or forward of an earlier message, as MedCom CareCommunication 5.0 builds one. */
export interface FollowUpDraft {
  kind: 'reply-message' | 'forward-message';
  /** The new MessageHeader.id (the new letter's id). */
  letterId: string;
  /** A reply keeps the thread's Communication.identifier; a forward starts a new one. */
  communicationId: string;
  sentAt: string;
  sender: OrganisationParty;
  recipient: OrganisationParty;
  category?: string;
  topic?: string;
  text: string;
  author: { name: string; role: string; phone: string };
  /** New attachments; their placeholders follow the earlier ones a forward re-sends. */
  attachments: Array<{ title: string; contentType: string; creation?: string }>;
}

type Json = Record<string, unknown>;
const senderExtensionUrl = 'http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-sender-extension';
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const entriesOf = (bundle: FhirResource) => list(bundle.entry) as Array<{ fullUrl: string; resource: Json }>;

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escaped = (text: string) => text.replace(/[&<>"]/g, (c) => xmlEscapes[c]!);

/** A generated narrative: one paragraph per line, for people reading the message. */
function narrative(lines: string[]): Json {
  const paragraphs = lines.map((line) => `<p>${escaped(line).replace(/\r?\n/g, '<br/>')}</p>`).join('');
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs}</div>` };
}

function entry(type: string, id: string, resource: Json): { fullUrl: string; resource: Json } {
  return { fullUrl: `${uri.fullUrlBase}${type}/${id}`, resource: { resourceType: type, id, ...resource } };
}

function organisation(party: OrganisationParty): { fullUrl: string; resource: Json } {
  return entry('Organization', randomUUID(), {
    meta: { profile: [uri.organizationProfile] },
    text: narrative([`${party.name} (SOR ${party.sorId}, EAN ${party.ean})`]),
    identifier: [
      { system: identifierSystems.ean, value: party.ean },
      { system: identifierSystems.sor, value: party.sorId },
    ],
    name: party.name,
  });
}

/** The Organization entry of a party, reused when the earlier message already has it. */
function organisationOf(bundle: FhirResource, party: OrganisationParty): string {
  const found = entriesOf(bundle).find(
    ({ resource }) =>
      resource.resourceType === 'Organization' &&
      list(resource.identifier).some((i) => i.system === identifierSystems.sor && i.value === party.sorId),
  );
  if (found) return `Organization/${String(found.resource.id)}`;
  const added = organisation(party);
  (bundle.entry as unknown[]).push(added);
  return `Organization/${String(added.resource.id)}`;
}

function segmentExtensions(sentAt: string, segmentId: string, senderRef: string): Json[] {
  return [
    { url: uri.datetimeExtension, valueDateTime: sentAt },
    {
      url: uri.identifierExtension,
      valueIdentifier: { value: `urn:uuid:${segmentId}`, assigner: { reference: senderRef } },
    },
  ];
}

/** An author's role as MedCom's SKS code when it is one, else as text (never both). */
function roleCode(role: string): Json {
  return isPractitionerRoleCode(role) ? { coding: [{ system: uri.practitionerRoles, code: role }] } : { text: role };
}

/**
 * Builds a reply or forward from the earlier message's Bundle (FHIR JSON, attachment data as
 * placeholders), the way MedCom's IG examples do: the earlier text segments stay, earlier
 * attachments are cited by identifier, date and title (a forward re-sends their data), the new
 * text and attachments are added as new segments, and a new Provenance with `reply-message` or
 * `forward-message` names the previous MessageHeader as its `revision`.
 */
export function buildFollowUp(previous: FhirResource, draft: FollowUpDraft): FhirResource {
  const bundle = structuredClone(previous);
  const entries = entriesOf(bundle);
  const header = entries[0]!.resource;
  const previousHeaderId = String(header.id);
  const communicationEntry = entries.find(({ resource }) => resource.resourceType === 'Communication')!;
  const communication = communicationEntry.resource;

  const senderRef = organisationOf(bundle, draft.sender);
  const recipientRef = organisationOf(bundle, draft.recipient);
  const communicationId = randomUUID();
  Object.assign(header, {
    id: draft.letterId,
    text: narrative([`Korrespondancemeddelelse fra ${draft.sender.name} til ${draft.recipient.name}`]),
    destination: [
      {
        extension: [{ url: uri.destinationUseExtension, valueCoding: { system: uri.destinationUse, code: 'primary' } }],
        endpoint: `${uri.sorEndpointBase}${draft.recipient.sorId}`,
        receiver: { reference: recipientRef },
      },
    ],
    sender: { reference: senderRef },
    source: { endpoint: `${uri.sorEndpointBase}${draft.sender.sorId}` },
    focus: [{ reference: `Communication/${communicationId}` }],
  });
  entries[0]!.fullUrl = `${uri.fullUrlBase}MessageHeader/${draft.letterId}`;

  // Earlier attachments keep their place; a reply cites them without data, a forward re-sends it.
  let position = 0;
  const payloads = list(communication.payload).map((payload) => {
    const attachment = payload.contentAttachment as Json | undefined;
    if (!attachment || typeof attachment.data !== 'string') return payload;
    const { data: _data, ...cited } = attachment;
    const contentAttachment =
      draft.kind === 'forward-message' ? { ...cited, data: attachmentPlaceholder(position++) } : cited;
    return { ...payload, contentAttachment };
  });
  const roleId = randomUUID();
  const practitionerId = randomUUID();
  const textSegment = randomUUID();
  const newSegments = [textSegment, ...draft.attachments.map(() => randomUUID())];
  payloads.push({
    extension: [
      ...segmentExtensions(draft.sentAt, textSegment, senderRef),
      { url: uri.practitionerExtension, valueReference: { reference: `PractitionerRole/${roleId}` } },
      { url: uri.contactExtension, valueContactPoint: { system: 'phone', value: draft.author.phone } },
    ],
    contentString: draft.text,
  });
  draft.attachments.forEach((attachment, index) => {
    payloads.push({
      extension: segmentExtensions(draft.sentAt, newSegments[index + 1]!, senderRef),
      contentAttachment: {
        contentType: attachment.contentType,
        data: attachmentPlaceholder(position++),
        title: attachment.title,
        ...(attachment.creation ? { creation: attachment.creation } : {}),
      },
    });
  });
  const category = draft.category ?? String(list(list(communication.category)[0]?.coding)[0]?.code);
  // A specific sender and recipient trade places on a reply; a forward goes to someone else.
  const senderExtension = list(communication.extension).find((extension) => extension.url === senderExtensionUrl);
  const specificRecipient = list(communication.recipient)[0];
  const otherExtensions = list(communication.extension).filter((extension) => extension.url !== senderExtensionUrl);
  const specific =
    draft.kind === 'reply-message'
      ? {
          extension: [
            ...otherExtensions,
            ...(specificRecipient ? [{ url: senderExtensionUrl, valueReference: specificRecipient }] : []),
          ],
          ...(senderExtension?.valueReference ? { recipient: [senderExtension.valueReference] } : {}),
        }
      : { extension: otherExtensions };
  const topic = draft.topic ?? (communication.topic as Json | undefined)?.text;
  // FHIR XML is read in the element order of the definition, so the resource is written in it.
  communicationEntry.resource = {
    resourceType: 'Communication',
    id: communicationId,
    meta: communication.meta,
    text: narrative([`Kategori: ${category}`, ...(topic ? [`Emne: ${String(topic)}`] : []), draft.text]),
    ...(specific.extension.length > 0 ? { extension: specific.extension } : {}),
    identifier: [{ value: `urn:uuid:${draft.communicationId}` }],
    status: communication.status,
    category: [{ coding: [{ system: uri.categoryCodes, code: category }] }],
    subject: communication.subject,
    ...(topic ? { topic: { text: topic } } : {}),
    ...(communication.encounter ? { encounter: communication.encounter } : {}),
    ...('recipient' in specific ? { recipient: specific.recipient } : {}),
    payload: payloads,
  };
  communicationEntry.fullUrl = `${uri.fullUrlBase}Communication/${communicationId}`;

  const { family, given } = ((parts) => ({ family: parts.pop() ?? '', given: parts }))(
    draft.author.name.trim().split(/\s+/),
  );
  (bundle.entry as unknown[]).push(
    entry('PractitionerRole', roleId, {
      meta: { profile: [uri.practitionerRoleProfile] },
      text: narrative([draft.author.role]),
      practitioner: { reference: `Practitioner/${practitionerId}` },
      code: [roleCode(draft.author.role)],
    }),
    entry('Practitioner', practitionerId, {
      meta: { profile: [uri.practitionerProfile] },
      text: narrative([draft.author.name]),
      name: [{ family, ...(given.length > 0 ? { given } : {}) }],
    }),
    entry('Provenance', randomUUID(), {
      meta: { profile: [uri.provenanceProfile] },
      text: narrative([
        `${draft.kind === 'reply-message' ? 'Svar' : 'Videresendt'} ${draft.sentAt} af ${draft.sender.name}`,
      ]),
      target: [{ reference: `MessageHeader/${draft.letterId}` }],
      occurredDateTime: draft.sentAt,
      recorded: draft.sentAt,
      activity: { coding: [{ system: uri.activityCodes, code: draft.kind }] },
      agent: [{ who: { reference: senderRef } }],
      entity: [
        ...newSegments.map((segment) => ({ role: 'source', what: { identifier: { value: `urn:uuid:${segment}` } } })),
        { role: 'revision', what: { reference: `MessageHeader/${previousHeaderId}` } },
      ],
    }),
  );
  bundle.id = draft.letterId;
  bundle.timestamp = draft.sentAt;
  return bundle;
}
