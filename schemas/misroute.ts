import type { FromSchema } from 'json-schema-to-ts';
import { sorIdSchema } from './letter.ts';

/** `POST /v1/messages/{id}/misroute`: a wrong recipient reported after sending. */
export const misrouteReportSchema = {
  $id: 'MisrouteReport',
  type: 'object',
  additionalProperties: false,
  properties: {
    note: { type: 'string', maxLength: 1000 },
    /** The mailbox the letter should have gone to, when the reporter knows it. */
    correctSorId: sorIdSchema,
  },
} as const;
export type MisrouteReportBody = FromSchema<typeof misrouteReportSchema>;

/** `POST /v1/messages/{id}/reroute`: re-send a misrouted letter to the right mailbox. */
export const rerouteSchema = {
  $id: 'Reroute',
  type: 'object',
  additionalProperties: false,
  properties: {
    recipient: {
      type: 'object',
      additionalProperties: false,
      required: ['sorId'],
      properties: { sorId: sorIdSchema, expectedName: { type: 'string', minLength: 1, maxLength: 300 } },
    },
    acknowledgedWarnings: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 60 } },
  },
} as const;
export type RerouteBody = FromSchema<typeof rerouteSchema>;
