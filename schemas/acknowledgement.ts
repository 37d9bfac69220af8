import type { FromSchema } from 'json-schema-to-ts';
import { issueSeverities, responseCodes } from './acknowledgement-codes.ts';
import { letterStatuses } from './categories.ts';

/**
 * `POST /v1/acknowledgements` as JSON: the receiving system's answer to a letter, by letter id.
 * `positive` is MedCom's `ok` and `negative` its `fatal-error`; the MedCom codes themselves are
 * taken too, so `transient-error` (the receiver will answer again) can be said without a Bundle.
 * A negative acknowledgement with code `wrong-recipient` is the misroute signal of a receiving clerk.
 */
export const acknowledgementSchema = {
  $id: 'Acknowledgement',
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'outcome'],
  properties: {
    messageId: { type: 'string', format: 'uuid' },
    outcome: { type: 'string', enum: ['positive', 'negative', ...responseCodes] },
    /** A MedCom acknowledgement error code (e.g. MSG_Receiver_Identifier_UNKNOWN) or `wrong-recipient`. */
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' },
    text: { type: 'string', maxLength: 1000 },
    /** With `wrong-recipient`: the mailbox the letter should have gone to, when the receiver knows it. */
    correctSorId: { type: 'string', pattern: '^[0-9]{6,18}$' },
  },
} as const;

export type Acknowledgement = FromSchema<typeof acknowledgementSchema>;

/** One OperationOutcome issue of an acknowledgement, as MedCom's Bundle carries it. */
export const acknowledgementIssueSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'code'],
  properties: {
    severity: { type: 'string', enum: [...issueSeverities] },
    code: { type: 'string', description: 'HL7 issue-type, e.g. `value`, `structure`, `processing`.' },
    details: {
      type: 'object',
      additionalProperties: false,
      properties: {
        coding: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['system', 'code'],
            properties: { system: { type: 'string' }, code: { type: 'string' } },
          },
          description: 'Codes of MedCom’s value set medcom-acknowledgement-issue-details.',
        },
        text: { type: 'string' },
      },
    },
  },
} as const;
export type AcknowledgementIssue = FromSchema<typeof acknowledgementIssueSchema>;

/** The latest acknowledgement of a letter, as `GET /v1/messages/{id}` shows it. */
export const acknowledgementSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'acknowledgementId', 'receivedAt', 'issues'],
  properties: {
    code: { type: 'string', enum: [...responseCodes], description: 'MessageHeader.response.code' },
    acknowledgementId: { type: 'string', description: 'The acknowledgement’s own MessageHeader.id.' },
    receivedAt: { type: 'string', format: 'date-time' },
    issues: { type: 'array', items: acknowledgementIssueSchema },
  },
} as const;
export type AcknowledgementSummary = FromSchema<typeof acknowledgementSummarySchema>;

/** `200` of `POST /v1/acknowledgements`, in either form. */
export const acknowledgementRecordedSchema = {
  $id: 'AcknowledgementRecorded',
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'status', 'code', 'acknowledgementId', 'duplicate'],
  properties: {
    messageId: { type: 'string', format: 'uuid', description: 'The letter acknowledged.' },
    status: { type: 'string', enum: [...letterStatuses], description: 'The letter’s status after it.' },
    code: { type: 'string', enum: [...responseCodes] },
    acknowledgementId: { type: 'string', description: 'The acknowledgement’s MessageHeader.id (made up for JSON).' },
    duplicate: { type: 'boolean', description: 'True when it repeats one already recorded: nothing changed.' },
  },
} as const;
export type AcknowledgementRecorded = FromSchema<typeof acknowledgementRecordedSchema>;
