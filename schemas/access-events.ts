import type { FromSchema } from 'json-schema-to-ts';

/**
 * The access log: every read of patient data (a letter's status, XML, events, thread or
 * acknowledgement; an auditor's search by CPR, export or trace; a console page), searched by
 * auditors per patient or per letter.
 */
export const accessEventsSearchSchema = {
  $id: 'AccessEventsSearch',
  type: 'object',
  additionalProperties: false,
  properties: {
    /** DDMMYY-XXXX or ten digits; matched by keyed hash, never stored. Reads of the patient's letters count too. */
    cpr: { type: 'string', pattern: '^[0-9]{6}-?[0-9]{4}$' },
    letterId: { type: 'string', format: 'uuid' },
    /** Inclusive. */
    from: { type: 'string', format: 'date-time' },
    /** Exclusive. */
    to: { type: 'string', format: 'date-time' },
  },
} as const;
export type AccessEventsSearch = FromSchema<typeof accessEventsSearchSchema>;

export const accessEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'clientId', 'clientName', 'action', 'remoteAddress'],
  properties: {
    at: { type: 'string', format: 'date-time' },
    clientId: { type: 'string', format: 'uuid' },
    clientName: { type: 'string' },
    action: {
      type: 'string',
      description:
        'letter.status, letter.xml, letter.events, letter.thread, letter.acknowledgement, audit.search, audit.search-by-cpr, audit.export, audit.trace, audit.access-log, console.view',
    },
    letterId: { type: 'string', format: 'uuid' },
    cprHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The keyed hash of the CPR searched for.' },
    remoteAddress: { type: 'string' },
  },
} as const;

export const accessEventsAnswerSchema = {
  $id: 'AccessEventsAnswer',
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: { type: 'array', maxItems: 1000, items: accessEventSchema, description: 'Newest first, at most 1000.' },
  },
} as const;
export type AccessEventsAnswer = FromSchema<typeof accessEventsAnswerSchema>;
