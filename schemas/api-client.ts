import type { FromSchema } from 'json-schema-to-ts';
import { sorIdSchema } from './letter.ts';

/** `POST /v1/admin/clients`: a clinical system, auditor, adapter or administrator. */
export const apiClientSchema = {
  $id: 'ApiClientRequest',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'roles'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    roles: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ['sender', 'admin', 'auditor', 'adapter'] },
    },
    /** The sender organisations (SOR ids) this client may send letters for. */
    senders: { type: 'array', uniqueItems: true, maxItems: 1000, items: sorIdSchema },
  },
} as const;

export type ApiClientRequest = FromSchema<typeof apiClientSchema>;
