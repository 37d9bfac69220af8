import type { FromSchema } from 'json-schema-to-ts';

/**
 * `POST /v1/acknowledgements`: the receiving system's MedCom-style answer to a letter. A negative
 * acknowledgement with code `wrong-recipient` is the misroute signal of a receiving clerk.
 */
export const acknowledgementSchema = {
  $id: 'Acknowledgement',
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'outcome'],
  properties: {
    messageId: { type: 'string', format: 'uuid' },
    outcome: { type: 'string', enum: ['positive', 'negative'] },
    /** A MedCom acknowledgement error code (e.g. MSG_Receiver_Identifier_UNKNOWN) or `wrong-recipient`. */
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' },
    text: { type: 'string', maxLength: 1000 },
    /** With `wrong-recipient`: the mailbox the letter should have gone to, when the receiver knows it. */
    correctSorId: { type: 'string', pattern: '^[0-9]{6,18}$' },
  },
} as const;

export type Acknowledgement = FromSchema<typeof acknowledgementSchema>;
