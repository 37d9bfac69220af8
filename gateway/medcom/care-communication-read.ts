import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';
import type { FhirResource } from './fhir-xml-read.ts';
import { attachmentPlaceholder, derivedId } from './letter-xml.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Postbud letter id of a MedCom message: its MessageHeader.id when that is a UUID (as MedCom
 * recommends), else a UUID derived from it, so an acknowledgement citing the id finds the letter.
 */
export function letterIdOfMessageHeader(messageHeaderId: string): string {
  return uuid.test(messageHeaderId)
    ? messageHeaderId.toLowerCase()
    : derivedId('medcom-message-header', messageHeaderId);
}

/** What Postbud routes, stores and audits of a CareCommunication Bundle a sending system posted. */
export interface InboundLetter {
  /** MessageHeader.id: the letter's id in Postbud, what acknowledgements cite, what makes a resend a duplicate. */
  messageHeaderId: string;
  activity: 'new-message' | 'reply-message' | 'forward-message';
  /** Communication.identifier without `urn:uuid:`: the thread a reply keeps. */
  communicationId: string;
  sender: { sorId: string; ean?: string };
  /** The destination endpoint's SOR id and the receiver Organization's EAN. */
  recipient: { sorId: string; ean?: string };
  patient: { identifier: string; system: string; given: string; family: string };
  category: string;
  topic?: string;
  priority?: 'routine' | 'asap';
  text: string;
  author: { name: string; role: string; phone: string };
  /** Attachments carried with data, in payload order; cited ones (no data) and links stay in the XML only. */
  attachments: Array<{ title: string; contentType: string; creation?: string; data: string }>;
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function resources(bundle: FhirResource): Json[] {
  return list(bundle.entry).map((entry) => object(entry.resource));
}

function resolve(bundle: FhirResource, reference: unknown): Json {
  const key = (text(object(reference).reference) ?? '').split('/').slice(-2).join('/');
  return resources(bundle).find((resource) => `${String(resource.resourceType)}/${String(resource.id)}` === key) ?? {};
}

function identifierValue(resource: Json, system: string): string | undefined {
  return text(list(resource.identifier).find((identifier) => identifier.system === system)?.value);
}

const sorIdOfEndpoint = (endpoint: unknown): string | undefined => {
  const value = text(endpoint) ?? '';
  return value.startsWith(uri.sorEndpointBase) ? value.slice(uri.sorEndpointBase.length) : undefined;
};

function extensionValue(element: Json, url: string): unknown {
  const extension = list(element.extension).find((candidate) => candidate.url === url) ?? {};
  return Object.entries(extension).find(([key]) => key.startsWith('value'))?.[1];
}

function patientOf(patient: Json): InboundLetter['patient'] {
  const identifiers = list(patient.identifier);
  // A CPR where there is one; a replacement CPR (x-eCPR, d-eCPR) otherwise.
  const chosen =
    identifiers.find((identifier) => identifier.system === identifierSystems.cpr) ??
    identifiers.find((identifier) => /^urn:oid:1\.2\.208\.176\.1\.6\.1\.3/.test(String(identifier.system))) ??
    identifiers[0] ??
    {};
  const name = list(patient.name).find((candidate) => candidate.use === 'official') ?? list(patient.name)[0] ?? {};
  return {
    identifier: text(chosen.value) ?? '',
    system: text(chosen.system) ?? '',
    given: list(name.given).map(String).join(' '),
    family: text(name.family) ?? '',
  };
}

function authorOf(bundle: FhirResource, payload: Json): InboundLetter['author'] {
  const role = resolve(bundle, extensionValue(payload, uri.practitionerExtension));
  const practitioner = resolve(bundle, role.practitioner);
  const name = list(practitioner.name)[0] ?? {};
  const code = object(role.code ? list(role.code)[0] : undefined);
  return {
    name: [...list(name.given).map(String), text(name.family) ?? ''].join(' ').trim(),
    role: text(list(code.coding)[0]?.code) ?? text(code.text) ?? '',
    phone: text(object(extensionValue(payload, uri.contactExtension)).value) ?? '',
  };
}

/**
 * Reads a Bundle that passed checkCareCommunication into what the gateway needs. The activity is
 * that of the Provenance targeting this message's MessageHeader.
 */
export function readCareCommunication(bundle: FhirResource): InboundLetter {
  const header = object(list(bundle.entry)[0]?.resource);
  const messageHeaderId = String(header.id);
  const communication = resolve(bundle, list(header.focus)[0]);
  const destination = list(header.destination)[0] ?? {};
  const sender = resolve(bundle, header.sender);
  const receiver = resolve(bundle, destination.receiver);
  const patient = resources(bundle).find((resource) => resource.resourceType === 'Patient') ?? {};
  const provenance = resources(bundle).find(
    (resource) => resource.resourceType === 'Provenance' && resolve(bundle, list(resource.target)[0]).id === header.id,
  );
  const activity = text(list(object(provenance?.activity).coding)[0]?.code) as InboundLetter['activity'];
  const payloads = list(communication.payload);
  const textPayload = payloads.find((payload) => typeof payload.contentString === 'string') ?? {};
  const priority = text(communication.priority);
  const topic = text(object(communication.topic).text);
  return {
    messageHeaderId,
    activity,
    communicationId: (text(list(communication.identifier)[0]?.value) ?? '').replace(/^urn:uuid:/, ''),
    sender: {
      sorId: sorIdOfEndpoint(object(header.source).endpoint) ?? identifierValue(sender, identifierSystems.sor) ?? '',
      ...optional('ean', identifierValue(sender, identifierSystems.ean)),
    },
    recipient: {
      sorId: sorIdOfEndpoint(destination.endpoint) ?? identifierValue(receiver, identifierSystems.sor) ?? '',
      ...optional('ean', identifierValue(receiver, identifierSystems.ean)),
    },
    patient: patientOf(patient),
    category: text(list(list(communication.category)[0]?.coding)[0]?.code) ?? '',
    ...optional('topic', topic),
    ...(priority === 'routine' || priority === 'asap' ? { priority } : {}),
    text: text(textPayload.contentString) ?? '',
    author: authorOf(bundle, textPayload),
    attachments: payloads
      .map((payload) => object(payload.contentAttachment))
      .filter((attachment) => typeof attachment.data === 'string')
      .map((attachment) => ({
        title: text(attachment.title) ?? '',
        contentType: text(attachment.contentType) ?? '',
        ...optional('creation', text(attachment.creation)),
        data: attachment.data as string,
      })),
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/**
 * The Bundle as Postbud stores it: each attachment's data replaced by its placeholder, in the
 * order readCareCommunication lists them, so delivery streams the stored bytes back in.
 */
export function withAttachmentPlaceholders(bundle: FhirResource): FhirResource {
  const copy = structuredClone(bundle);
  let position = 0;
  for (const entry of list(copy.entry)) {
    const resource = object(entry.resource);
    if (resource.resourceType !== 'Communication') continue;
    for (const payload of list(resource.payload)) {
      const attachment = object(payload.contentAttachment);
      if (typeof attachment.data === 'string') attachment.data = attachmentPlaceholder(position++);
    }
  }
  return copy;
}
