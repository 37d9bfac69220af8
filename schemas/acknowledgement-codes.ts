/**
 * MedCom Acknowledgement 2.0: the profile URLs and the code lists an acknowledgement uses, as our
 * own tables (the gateway never reads MedCom's files; a unit test compares these with them).
 */

const ig = 'http://medcomfhir.dk/ig';

export const acknowledgementUris = {
  messageProfile: `${ig}/acknowledgement/StructureDefinition/medcom-messaging-acknowledgement`,
  headerProfile: `${ig}/acknowledgement/StructureDefinition/medcom-messaging-acknowledgementHeader`,
  operationOutcomeProfile: `${ig}/acknowledgement/StructureDefinition/medcom-acknowledgement-operationoutcome`,
  provenanceProfile: `${ig}/messaging/StructureDefinition/medcom-messaging-provenance`,
  fullUrlBase: 'https://medcomfhir.dk/ig/acknowledgement/',
} as const;

/** MessageHeader.eventCoding.code of an acknowledgement (MedCom messaging event codes). */
export const acknowledgementEventCode = 'acknowledgement-message';

/** Provenance.activity of the acknowledgement itself (MedCom messaging activity codes). */
export const acknowledgementActivityCode = 'acknowledgement';

/** The activities of the messages Postbud carries, which the acknowledged message's Provenance names. */
export const acknowledgedActivityCodes = ['new-message', 'reply-message', 'forward-message'] as const;

/** MessageHeader.response.code (HL7 response-code): `ok`, or an error the sender may retry or not. */
export const responseCodes = ['ok', 'transient-error', 'fatal-error'] as const;
export type ResponseCode = (typeof responseCodes)[number];

/** OperationOutcome.issue.severity (HL7 issue-severity). */
export const issueSeverities = ['fatal', 'error', 'warning', 'information'] as const;

/** OperationOutcome.issue.code (HL7 issue-type, a required binding in R4). */
export const issueTypes = [
  'invalid',
  'structure',
  'required',
  'value',
  'invariant',
  'security',
  'login',
  'unknown',
  'expired',
  'forbidden',
  'suppressed',
  'processing',
  'not-supported',
  'duplicate',
  'multiple-matches',
  'not-found',
  'deleted',
  'too-long',
  'code-invalid',
  'extension',
  'too-costly',
  'business-rule',
  'conflict',
  'transient',
  'lock-error',
  'no-store',
  'exception',
  'timeout',
  'incomplete',
  'throttled',
  'informational',
] as const;

export const hl7OperationOutcomeSystem = 'http://terminology.hl7.org/CodeSystem/operation-outcome';
export const medcomErrorCodeSystem = `${ig}/terminology/CodeSystem/medcom-acknowledgement-error-codes`;

/** MedCom's own error codes with their displays (CodeSystem medcom-acknowledgement-error-codes). */
export const medcomAcknowledgementErrorCodes = {
  MSG_Receiver_Identifier_UNKNOWN: 'Receiver identifier unknown',
  MSG_Receiver_Identifier_MISSING: 'Receiver identifier missing',
  MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE: 'Receiver unable to receive this message type',
  MSG_VALUESET_VALUE_UNKNOWN: 'The value provided is not in the valueSet',
  MSG_CodeSystem_VALUE_UNKNOWN: 'The value provided is not in the CodeSystem',
  MSG_Element_To_Long: 'The value of the element is to long',
  MSG_Datatype_Wrong: 'The data type is wrong',
  MSG_Mailbox_Out_Of_Operation: 'The mailbox is temporary out of operation',
  MSG_Damaged_durin_transport: 'The message has been damaged during trasport',
} as const;

/**
 * OperationOutcome.issue.details.coding is bound (required) to MedCom's value set
 * medcom-acknowledgement-issue-details: these systems and codes, nothing else.
 */
export const issueDetailsValueSet: Readonly<Record<string, readonly string[]>> = {
  [hl7OperationOutcomeSystem]: [
    'MSG_ID_INVALID',
    'MSG_ID_TOO_LONG',
    'MSG_BAD_FORMAT',
    'MSG_BAD_SYNTAX',
    'MSG_DATE_FORMAT',
    'MSG_DUPLICATE_ID',
    'MSG_INVALID_ID',
    'MSG_JSON_OBJECT',
    'MSG_LOCAL_FAIL',
    'MSG_NO_MATCH',
    'MSG_NO_EXIST',
    'MSG_NO_SUMMARY',
    'MSG_PARAM_INVALID',
    'MSG_PARAM_NO_REPEAT',
    'MSG_PARAM_UNKNOWN',
    'MSG_RESOURCE_ID_MISMATCH',
    'MSG_RESOURCE_ID_FAIL',
    'MSG_RESOURCE_ID_MISSING',
    'MSG_RESOURCE_NOT_ALLOWED',
    'MSG_RESOURCE_REQUIRED',
    'MSG_RESOURCE_TYPE_MISMATCH',
    'MSG_TRANSACTION_DUPLICATE_ID',
    'MSG_TRANSACTION_MISSING_ID',
    'MSG_UNKNOWN_TYPE',
    'MSG_VERSION_AWARE',
    'MSG_VERSION_AWARE_CONFLICT',
    'MSG_VERSION_AWARE_URL',
    'MSG_WRONG_NS',
  ],
  [medcomErrorCodeSystem]: Object.keys(medcomAcknowledgementErrorCodes),
};

/**
 * MedCom's earlier issue-details code system (terminology 1.0.0). It is not in the value set any
 * more, but MedCom's own TouchStone fixtures still send it, so a receiver must still take it.
 */
export const legacyIssueDetails: Readonly<Record<string, readonly string[]>> = {
  [`${ig}/terminology/CodeSystem/medcom-acknowledgement-issue-details`]: ['message-development-error'],
};

/** Whether a coding may stand in issue.details: in the value set, or in the legacy code system. */
export function isIssueDetailsCoding(system: string, code: string): boolean {
  return Boolean(issueDetailsValueSet[system]?.includes(code) || legacyIssueDetails[system]?.includes(code));
}

/** The system of a bare error code as a JSON acknowledgement gives it, when the value set has it. */
export function issueDetailsSystemOf(code: string): string | undefined {
  return Object.entries(issueDetailsValueSet).find(([, codes]) => codes.includes(code))?.[0];
}
