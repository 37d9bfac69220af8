import { attachmentContentTypes, categoryCodes } from '../../schemas/categories.ts';
import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';

/**
 * The MedCom error code a refusal carries: HL7's operation-outcome codes and MedCom's own, as the
 * acknowledgement issue-details value set lists them.
 */
export type MedcomErrorCode =
  | 'MSG_BAD_FORMAT'
  | 'MSG_BAD_SYNTAX'
  | 'MSG_ID_INVALID'
  | 'MSG_JSON_OBJECT'
  | 'MSG_RESOURCE_REQUIRED'
  | 'MSG_RESOURCE_ID_MISSING'
  | 'MSG_UNKNOWN_TYPE'
  | 'MSG_CodeSystem_VALUE_UNKNOWN'
  | 'MSG_VALUESET_VALUE_UNKNOWN'
  | 'MSG_Datatype_Wrong'
  | 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE'
  | 'MSG_Receiver_Identifier_UNKNOWN'
  | 'MSG_Receiver_Identifier_MISSING'
  | 'MSG_DUPLICATE_ID';

/** One rule of a CareCommunication 5.0 message, as FHIRPath over the Bundle that must be true. */
export interface BundleRule {
  id: string;
  /** Says what must hold, in words a sending system's developer can act on. */
  text: string;
  expression: string;
  code: MedcomErrorCode;
}

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(' | ');
const header = 'entry.first().resource.ofType(MessageHeader)';
const communication = 'entry.resource.ofType(Communication)';
const uuidValue = "'^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'";
const replacementCprSystems = "'^urn:oid:1[.]2[.]208[.]176[.]1[.]6[.]1[.](1|3)([.][0-9]+)?$'";
const patientSystems = `(system = '${identifierSystems.cpr}' or system.matches(${replacementCprSystems}))`;

/** What every MedCom message Bundle must be, whatever it carries: a message of its profile, entries with ids. */
export function messageBundleRules(profile: string): BundleRule[] {
  return [
    { id: 'bundle-type', text: 'Bundle.type shall be message', expression: "type = 'message'", code: 'MSG_BAD_FORMAT' },
    {
      id: 'bundle-id',
      text: 'Bundle.id and Bundle.timestamp shall be present',
      expression: 'id.exists() and timestamp.exists()',
      code: 'MSG_RESOURCE_ID_MISSING',
    },
    {
      id: 'bundle-profile',
      text: `Bundle.meta.profile shall name ${profile}`,
      expression: `meta.profile.where($this.startsWith('${profile}')).exists()`,
      code: 'MSG_UNKNOWN_TYPE',
    },
    {
      id: 'entry-resource',
      text: 'every entry shall have a fullUrl and a resource with an id',
      expression: 'entry.all(fullUrl.exists() and resource.id.exists())',
      code: 'MSG_RESOURCE_ID_MISSING',
    },
  ];
}

/**
 * Our reading of the MedCom CareCommunication 5.0, Messaging 4.0 and Core 3.0 profiles: their
 * cardinalities, fixed values and invariants, for the messages a sending system posts to us.
 * Tests hold them to MedCom's own examples and invariants (read from ../shared/medcom at test time).
 */
export const careCommunicationRules: readonly BundleRule[] = [
  ...messageBundleRules(uri.messageProfile),
  {
    id: 'medcom-careCommunication-1',
    text: 'the first entry shall be the MessageHeader, of the careCommunication-messageHeader profile',
    expression: `${header}.meta.profile.where($this.startsWith('${uri.messageHeaderProfile}')).exists()`,
    code: 'MSG_UNKNOWN_TYPE',
  },
  {
    id: 'header-event',
    text: 'MessageHeader.eventCoding shall be care-communication-message of the MedCom event codes',
    expression: `${header}.eventCoding.where(system = '${uri.eventCodes}' and code = 'care-communication-message').exists()`,
    code: 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE',
  },
  {
    id: 'medcom-carecommunication-definition-url',
    text: 'MessageHeader.definition shall be the CareCommunication MessageDefinition 5.x (4.0 messages are not received)',
    expression: `${header}.definition.matches('^http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition[|]5[.][0-9]{1,2}$')`,
    code: 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE',
  },
  {
    id: 'header-destination',
    text: 'MessageHeader shall have exactly one destination, primary, with an endpoint and a receiver Organization in the Bundle',
    expression: `${header}.destination.count() = 1 and ${header}.destination.all(extension('${uri.destinationUseExtension}').value.where(system = '${uri.destinationUse}' and code = 'primary').exists() and endpoint.exists() and receiver.reference.resolve().where(resourceType = 'Organization').exists())`,
    code: 'MSG_Receiver_Identifier_MISSING',
  },
  {
    id: 'header-sender',
    text: 'MessageHeader shall have a sender Organization in the Bundle and a source endpoint',
    expression: `${header}.sender.reference.resolve().where(resourceType = 'Organization').exists() and ${header}.source.endpoint.exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'header-focus',
    text: 'MessageHeader.focus shall be exactly one Communication in the Bundle',
    expression: `${header}.focus.count() = 1 and ${header}.focus.reference.resolve().where(resourceType = 'Communication').exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'organization-sor',
    text: 'every Organization shall have a SOR identifier of at least 11 digits',
    expression: `entry.resource.ofType(Organization).all(identifier.where(system = '${identifierSystems.sor}' and value.matches('^[0-9]{11,18}$')).count() = 1)`,
    code: 'MSG_Receiver_Identifier_UNKNOWN',
  },
  {
    id: 'organization-ean',
    text: 'the sending and receiving Organizations shall have an EAN (GLN) identifier of 13 digits',
    expression: `(${header}.sender.reference.resolve() | ${header}.destination.receiver.reference.resolve()).all(identifier.where(system = '${identifierSystems.ean}' and value.matches('^[0-9]{13}$')).exists())`,
    code: 'MSG_Receiver_Identifier_MISSING',
  },
  {
    id: 'medcom-careCommunication-2',
    text: 'the Bundle shall contain exactly one Patient',
    expression: 'entry.where(resource.is(Patient)).count() = 1',
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'patient-identifier',
    text: 'the Patient shall have a CPR or a replacement CPR (x-eCPR, d-eCPR) identifier, and at most one CPR',
    expression: `entry.resource.ofType(Patient).identifier.where(${patientSystems} and value.exists()).exists() and entry.resource.ofType(Patient).identifier.where(system = '${identifierSystems.cpr}').count() <= 1`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'patient-cpr',
    text: 'a CPR number shall be ten digits with a real day of month (a day + 60 is a replacement CPR, not a CPR)',
    expression: `entry.resource.ofType(Patient).identifier.where(system = '${identifierSystems.cpr}').all(value.matches('^(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{6}$'))`,
    code: 'MSG_Datatype_Wrong',
  },
  {
    id: 'patient-name',
    text: 'the Patient shall have an official name',
    expression: "entry.resource.ofType(Patient).name.where(use = 'official').exists()",
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'communication',
    text: 'the Bundle shall contain exactly one Communication, of the careCommunication-communication profile',
    expression: `${communication}.count() = 1 and ${communication}.meta.profile.where($this.startsWith('${uri.communicationProfile}')).exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'communication-status',
    text: "Communication.status shall be 'unknown' or 'entered-in-error'",
    expression: `${communication}.all(status = 'unknown' or status = 'entered-in-error')`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'communication-identifier',
    text: 'Communication.identifier shall be one urn:uuid value',
    expression: `${communication}.all(identifier.count() = 1 and identifier.value.matches(${uuidValue}))`,
    code: 'MSG_RESOURCE_ID_MISSING',
  },
  {
    id: 'communication-category',
    text: 'Communication.category shall be one code of the MedCom CareCommunication category codes',
    expression: `${communication}.all(category.count() = 1 and category.coding.count() = 1 and category.coding.where(system = '${uri.categoryCodes}' and (code in (${quoted(categoryCodes)}))).exists())`,
    code: 'MSG_CodeSystem_VALUE_UNKNOWN',
  },
  {
    id: 'communication-subject',
    text: 'Communication.subject shall be the Patient in the Bundle',
    expression: `${communication}.all(subject.reference.resolve().where(resourceType = 'Patient').exists())`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'communication-payload',
    text: 'Communication shall have a payload, each with a date-time and a urn:uuid segment identifier assigned by an organisation',
    expression: `${communication}.all(payload.exists() and payload.all(extension('${uri.datetimeExtension}').value.exists() and extension('${uri.identifierExtension}').value.where(value.matches(${uuidValue}) and assigner.exists()).exists()))`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'payload-text',
    text: 'a text segment shall have an author (PractitionerRole) and a contact',
    expression: `${communication}.payload.where(content is string).all(extension('${uri.practitionerExtension}').value.reference.resolve().where(resourceType = 'PractitionerRole').exists() and extension('${uri.contactExtension}').exists())`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'payload-attachment',
    // A reply cites earlier attachments by identifier, date and title, without their data.
    text: `an attachment segment shall have a title, and data only of a MedCom attachment type (${attachmentContentTypes.join(', ')})`,
    expression: `${communication}.payload.content.ofType(Attachment).all(title.exists() and (data.empty() or contentType in (${quoted(attachmentContentTypes)})))`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'medcom-careCommunication-5',
    text: "priority shall only be present when the category is 'regarding-referral'",
    expression: `${communication}.where(category.coding.code != 'regarding-referral').priority.empty()`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'medcom-careCommunication-6',
    text: "a topic shall be present when the category is 'other'",
    expression: `${communication}.all(iif(category.coding.code != 'other', true, topic.text.exists()))`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'medcom-careCommunication-7',
    text: "an author's PractitionerRole shall have a role as a code or as text, not both",
    expression: `${communication}.payload.extension('${uri.practitionerExtension}').value.resolve().all(code.coding.code.exists() xor code.text.exists())`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'medcom-careCommunication-4',
    text: 'every Practitioner shall have a name',
    expression: 'entry.resource.ofType(Practitioner).all(name.exists())',
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'medcom-careCommunication-13',
    text: 'every PractitionerRole shall reference a Practitioner',
    expression: 'entry.resource.ofType(PractitionerRole).all(practitioner.reference.exists())',
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'medcom-careCommunication-9',
    text: 'an Encounter referenced by the Communication shall carry an episode-of-care identifier',
    expression: `${communication}.all(iif(encounter.exists().not(), true, encounter.reference.resolve().episodeOfCare.identifier.exists()))`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'medcom-careCommunication-15',
    text: 'an Encounter in the Bundle shall be the one Communication.encounter references, and only then',
    expression: `iif(entry.resource.ofType(Encounter).exists(), entry.resource.ofType(Encounter).id = ${communication}.encounter.reference.resolve().id, ${communication}.encounter.exists().not())`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'medcom-careCommunication-11',
    text: "a specific sender shall belong to the MessageHeader's sender Organization",
    expression: `${communication}.extension.value.reference.resolve().managingOrganization.reference.resolve() = ${header}.sender.reference.resolve() or ${communication}.extension.value.reference.resolve().organization.reference.resolve() = ${header}.sender.reference.resolve() or ${communication}.extension.exists().not()`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'medcom-careCommunication-12',
    text: "a specific recipient shall belong to the MessageHeader's receiver Organization",
    expression: `${communication}.recipient.reference.resolve().managingOrganization.reference.resolve() = ${header}.destination.receiver.reference.resolve() or ${communication}.recipient.reference.resolve().organization.reference.resolve() = ${header}.destination.receiver.reference.resolve() or ${communication}.recipient.exists().not()`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'medcom-careCommunication-3',
    text: 'the Bundle shall have Provenance, all of the careCommunication-provenance profile',
    expression: `entry.resource.ofType(Provenance).exists() and entry.resource.ofType(Provenance).all(meta.profile.where($this.startsWith('${uri.provenanceProfile}')).exists())`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'provenance-current',
    text: 'exactly one Provenance shall target this MessageHeader, with new-message, reply-message or forward-message',
    expression: `entry.resource.ofType(Provenance).where(target.reference.resolve().id = %resource.entry.first().resource.id).count() = 1 and entry.resource.ofType(Provenance).where(target.reference.resolve().id = %resource.entry.first().resource.id).activity.coding.where(system = '${uri.activityCodes}' and (code in ('new-message' | 'reply-message' | 'forward-message'))).exists()`,
    code: 'MSG_BAD_FORMAT',
  },
  {
    id: 'provenance-content',
    text: 'every Provenance shall have one target, an occurred time, an activity code and an agent',
    expression:
      'entry.resource.ofType(Provenance).all(target.count() = 1 and occurred.exists() and activity.coding.code.exists() and agent.who.exists())',
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'medcom-careCommunication-14',
    text: 'every Provenance entity shall name the earlier message or segment by reference or identifier',
    expression: 'entry.resource.ofType(Provenance).entity.all(what.reference.exists() or what.identifier.exists())',
    code: 'MSG_BAD_FORMAT',
  },
];
