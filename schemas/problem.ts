import type { FromSchema } from 'json-schema-to-ts';

/**
 * RFC 9457 problem details, as every refusal is answered (`application/problem+json`). `code` is
 * stable per failure; some problems add members of their own (`errors`, `warnings`, …).
 */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', pattern: '^urn:postbud:problem:[a-z0-9-]+$' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', pattern: '^[a-z0-9-]+$' },
    detail: { type: 'string' },
    instance: { type: 'string', pattern: '^urn:postbud:request:' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfterSeconds: { type: 'integer', minimum: 0 },
  },
} as const;
export type Problem = FromSchema<typeof problemSchema>;
