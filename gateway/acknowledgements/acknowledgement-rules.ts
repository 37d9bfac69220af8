import {
  acknowledgementActivityCode,
  acknowledgementEventCode,
  acknowledgementUris as ack,
  issueDetailsValueSet,
  issueSeverities,
  issueTypes,
  legacyIssueDetails,
  responseCodes,
} from '../../schemas/acknowledgement-codes.ts';
import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';
import { messageBundleRules, type BundleRule } from '../medcom/care-communication-rules.ts';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(' | ');
const header = 'entry.first().resource.ofType(MessageHeader)';
const details = `${header}.response.details.reference.resolve().where(resourceType = 'OperationOutcome')`;
const provenances = 'entry.resource.ofType(Provenance)';
const outcomes = 'entry.resource.ofType(OperationOutcome)';
const fromValueSet = Object.entries({ ...issueDetailsValueSet, ...legacyIssueDetails })
  .map(([system, codes]) => `(system = '${system}' and code in (${quoted(codes)}))`)
  .join(' or ');

/**
 * Our reading of MedCom's Acknowledgement 2.0 profile (and the Messaging 4.0 profiles under it)
 * for the acknowledgements a receiving system posts: cardinalities, fixed values, the binding of
 * the issue details and the invariants medcom-acknowledgement-1/-2, each as FHIRPath over the
 * Bundle that must be true. Tests hold them to MedCom's examples and to the FSH invariants.
 */
export const acknowledgementRules: readonly BundleRule[] = [
  ...messageBundleRules(ack.messageProfile),
  {
    id: 'medcom-acknowledgement-2',
    text: 'the first entry shall be the MessageHeader, of the acknowledgementHeader profile',
    expression: `${header}.meta.profile.where($this.startsWith('${ack.headerProfile}')).exists()`,
    code: 'MSG_UNKNOWN_TYPE',
  },
  {
    id: 'header-event',
    text: `MessageHeader.eventCoding shall be ${acknowledgementEventCode} of the MedCom event codes`,
    expression: `${header}.eventCoding.where(system = '${uri.eventCodes}' and code = '${acknowledgementEventCode}').exists()`,
    code: 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE',
  },
  {
    id: 'header-destination',
    text: 'MessageHeader shall have exactly one destination, primary (no cc), with an endpoint and a receiver Organization in the Bundle',
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
    id: 'response-identifier',
    text: 'MessageHeader.response.identifier shall be the acknowledged MessageHeader.id (a FHIR id)',
    expression: `${header}.response.identifier.matches('^[A-Za-z0-9.-]{1,64}$')`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'response-code',
    text: `MessageHeader.response.code shall be one of ${responseCodes.join(', ')}`,
    expression: `${header}.response.code in (${quoted(responseCodes)})`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'medcom-acknowledgement-1',
    text: 'a transient-error or fatal-error shall reference an OperationOutcome in the Bundle from response.details',
    expression: `${header}.response.code = 'ok' or ${details}.exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'response-details',
    text: 'MessageHeader.response.details, when given, shall be an OperationOutcome in the Bundle',
    expression: `${header}.response.details.exists() implies ${details}.exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'operationoutcome-issue',
    text: 'every OperationOutcome shall have 1 to 20 issues, each with a severity and a code, details text at most 1000 characters',
    expression: `${outcomes}.all(issue.count() >= 1 and issue.count() <= 20 and issue.all(severity.exists() and code.exists() and (details.text.exists() implies details.text.length() <= 1000)))`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'issue-severity',
    text: `OperationOutcome.issue.severity shall be one of ${issueSeverities.join(', ')}`,
    expression: `${outcomes}.issue.severity.all($this in (${quoted(issueSeverities)}))`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'issue-code',
    text: 'OperationOutcome.issue.code shall be an HL7 issue-type code',
    expression: `${outcomes}.issue.code.all($this in (${quoted(issueTypes)}))`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'issue-details',
    text: 'OperationOutcome.issue.details.coding shall be from the value set medcom-acknowledgement-issue-details',
    expression: `${outcomes}.issue.details.coding.all(${fromValueSet})`,
    code: 'MSG_VALUESET_VALUE_UNKNOWN',
  },
  {
    id: 'medcom-messaging-2',
    text: 'there shall be at least one Provenance',
    expression: `${provenances}.exists()`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'provenance-content',
    text: 'every Provenance shall have one target, an occurred time, one activity coding of the MedCom activity codes and an agent Organization in the Bundle',
    expression: `${provenances}.all(target.count() = 1 and occurred.exists() and activity.coding.count() = 1 and activity.coding.all(system = '${uri.activityCodes}' and code.exists()) and agent.exists() and agent.all(who.reference.resolve().where(resourceType = 'Organization').exists()))`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'provenance-acknowledgement',
    text: `one Provenance shall have activity ${acknowledgementActivityCode}, target the MessageHeader and name the acknowledged message in entity.what`,
    expression: `${provenances}.where(activity.coding.code = '${acknowledgementActivityCode}' and target.reference.resolve().where(resourceType = 'MessageHeader').id = %resource.entry.first().resource.id and entity.where(what.reference.exists() or what.identifier.exists()).exists()).count() = 1`,
    code: 'MSG_RESOURCE_REQUIRED',
  },
  {
    id: 'organization-sor',
    text: 'every Organization shall have one SOR identifier of at least 11 digits',
    expression: `entry.resource.ofType(Organization).all(identifier.where(system = '${identifierSystems.sor}' and value.matches('^[0-9]{11,18}$')).count() = 1)`,
    code: 'MSG_Receiver_Identifier_UNKNOWN',
  },
  {
    id: 'organization-ean',
    text: 'the sending and receiving Organizations shall have an EAN (GLN) identifier of 13 digits',
    expression: `(${header}.sender.reference.resolve() | ${header}.destination.receiver.reference.resolve()).all(identifier.where(system = '${identifierSystems.ean}' and value.matches('^[0-9]{13}$')).exists())`,
    code: 'MSG_Receiver_Identifier_MISSING',
  },
];
