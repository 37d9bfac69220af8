import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationUris as uri } from '../../schemas/care-communication-xml.ts';
import { attachmentPlaceholder, derivedId, type LetterDraft, type LetterIds } from './letter-draft.ts';
import { extension, primitive, reference } from './letter-xml-writer.ts';

// The letter's message segments (Communication.payload): its text, its attachments, its links.

/**
 * Segment identifiers (UUID v4, MedCom `medcom-uuidv4`) are what Provenance lists and what a
 * reply cites, so they are derived from the letter id and stay the same for the same letter.
 */
export function segmentIds(draft: LetterDraft): string[] {
  return [
    derivedId(draft.letterId, 'segment/text'),
    ...draft.attachments.map((a) => derivedId(draft.letterId, `segment/attachment/${a.position}`)),
    ...(draft.links ?? []).map((_link, index) => derivedId(draft.letterId, `segment/link/${index}`)),
  ];
}

/**
 * What every segment carries: when it was sent, its identifier assigned by the sending
 * organisation, and its author with a phone number (MedCom requires the author on a text
 * segment and allows it on an attachment; Postbud names it on every segment it adds).
 */
function segmentHeader(payload: XMLBuilder, draft: LetterDraft, ids: LetterIds, segmentId: string): void {
  primitive(extension(payload, uri.datetimeExtension), 'valueDateTime', draft.sentAt, 'sentAt');
  const identifier = extension(payload, uri.identifierExtension).ele(null, 'valueIdentifier');
  primitive(identifier, 'value', `urn:uuid:${segmentId}`);
  reference(identifier, 'assigner', `Organization/${ids.sender}`);
  reference(
    extension(payload, uri.practitionerExtension),
    'valueReference',
    `PractitionerRole/${ids.practitionerRole}`,
  );
  const phone = extension(payload, uri.contactExtension).ele(null, 'valueContactPoint');
  primitive(phone, 'system', 'phone');
  primitive(phone, 'value', draft.author.phone, 'author.phone');
}

export function payloads(communication: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const [textSegment = '', ...others] = segmentIds(draft);
  const text = communication.ele(null, 'payload');
  segmentHeader(text, draft, ids, textSegment);
  primitive(text, 'contentString', draft.text, 'text');

  draft.attachments.forEach((attachment, index) => {
    const payload = communication.ele(null, 'payload');
    segmentHeader(payload, draft, ids, others[index] ?? '');
    const content = payload.ele(null, 'contentAttachment');
    primitive(content, 'contentType', attachment.contentType, `attachments[${index}].contentType`);
    primitive(content, 'data', attachmentPlaceholder(attachment.position));
    // MedCom: the title is shown as given; no file extension is added.
    primitive(content, 'title', attachment.title, `attachments[${index}].title`);
    if (attachment.creation !== undefined)
      primitive(content, 'creation', attachment.creation, `attachments[${index}].creation`);
  });

  (draft.links ?? []).forEach((link, index) => {
    const payload = communication.ele(null, 'payload');
    segmentHeader(payload, draft, ids, others[draft.attachments.length + index] ?? '');
    // MedCom: a link is an attachment with a `url` instead of data, and no content type.
    const content = payload.ele(null, 'contentAttachment');
    primitive(content, 'url', link.url, `links[${index}].url`);
    primitive(content, 'title', link.title, `links[${index}].title`);
    if (link.creation !== undefined) primitive(content, 'creation', link.creation, `links[${index}].creation`);
  });
}
