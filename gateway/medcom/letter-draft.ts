import { hash } from 'node:crypto';
import { attachmentPlaceholderPrefix } from '../../schemas/care-communication-xml.ts';

export interface OrganisationParty {
  sorId: string;
  ean: string;
  name: string;
}

/** Within an organisation, who exactly sends or is to receive: a care team or a practitioner in a role. */
export type SpecificParty = { careTeam: { name: string } } | { practitioner: { name: string; role: string } };

export interface LetterDraft {
  /**
   * UUID v4: the MessageHeader.id, the same at every sending, so acknowledgements (which cite it)
   * lead back to the letter. Bundle.id is new at each sending.
   */
  letterId: string;
  /** UUID v4 for Communication.identifier (`urn:uuid:…`); MedCom keeps it on replies, renews it on forwards. */
  communicationId: string;
  /** ISO 8601 date-time with offset or Z. */
  sentAt: string;
  sender: OrganisationParty;
  recipient: OrganisationParty;
  patient: {
    /** Ten digits, sent under the CPR system. */
    cpr?: string;
    /** Instead of a CPR: an X-eCPR or D-eCPR with its identifier system (schemas/patient-identifiers.ts). */
    replacementCpr?: { system: string; value: string };
    given?: string;
    /** Left out when unknown; sent as unknown (data-absent-reason), as MedCom does. */
    family?: string;
  };
  /** A more specific sender than the sending organisation (MedCom sender extension). */
  specificSender?: SpecificParty;
  /** A more specific recipient than the receiving organisation (Communication.recipient). */
  specificRecipient?: SpecificParty;
  /** The episode of care (an Encounter), with the identifier system and value as sent. */
  episodeOfCare?: { system: string; value: string; encounterClass: string };
  category: string;
  topic?: string;
  priority?: 'routine' | 'asap';
  text: string;
  author: { name: string; role: string; phone: string };
  attachments: Array<{ title: string; contentType: string; creation?: string; position: number }>;
  /** Links sent as attachment segments with a `url` (MedCom), after the attachments. */
  links?: Array<{ title: string; url: string; creation?: string }>;
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
  // crypto.hash: one call, no Hash object; these ids are eight of a letter's hashes.
  const bytes = hash('sha256', `${letterId}/${name}`, 'buffer').subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ids of a letter's resources inside its Bundle. */
export interface LetterIds {
  messageHeader: string;
  patient: string;
  communication: string;
  practitionerRole: string;
  practitioner: string;
  sender: string;
  recipient: string;
  provenance: string;
  encounter: string;
  specificSender: string;
  specificSenderPractitioner: string;
  specificRecipient: string;
  specificRecipientPractitioner: string;
}
