import type { FromSchema } from 'json-schema-to-ts';
import { sectors } from './categories.ts';

/**
 * What the outbox relay publishes to `postbud.letters` (routing key = sector). A claim check:
 * ids and routing data only; the adapter fetches the XML over HTTP, so attachments never sit
 * in the broker.
 */
export const letterQueuedSchema = {
  $id: 'LetterQueued',
  type: 'object',
  additionalProperties: false,
  required: ['letterId', 'sector', 'recipient', 'xmlPath'],
  properties: {
    letterId: { type: 'string', format: 'uuid' },
    sector: { type: 'string', enum: [...sectors] },
    recipient: {
      type: 'object',
      additionalProperties: false,
      required: ['sorId', 'ean'],
      properties: {
        sorId: { type: 'string' },
        ean: { type: 'string' },
        endpoint: { type: 'string' },
      },
    },
    /** Path on the gateway's HTTP API to GET the letter XML from, e.g. `/v1/messages/{id}/xml`. */
    xmlPath: { type: 'string' },
  },
} as const;
export type LetterQueued = FromSchema<typeof letterQueuedSchema>;

/**
 * What an adapter reports on `postbud.receipts`: every delivery attempt (`attempt-failed`), and
 * the final outcome (`delivered` or `failed`).
 */
export const deliveryReceiptSchema = {
  $id: 'DeliveryReceipt',
  type: 'object',
  additionalProperties: false,
  required: ['letterId', 'sector', 'outcome', 'attempt', 'endpoint', 'at'],
  properties: {
    letterId: { type: 'string', format: 'uuid' },
    sector: { type: 'string', enum: [...sectors] },
    outcome: { type: 'string', enum: ['delivered', 'attempt-failed', 'failed'] },
    attempt: { type: 'integer', minimum: 1 },
    endpoint: { type: 'string' },
    httpStatus: { type: 'integer' },
    durationMs: { type: 'integer', minimum: 0 },
    /** A short operator-readable reason; never letter content. */
    error: { type: 'string', maxLength: 500 },
    at: { type: 'string', format: 'date-time' },
  },
} as const;
export type DeliveryReceipt = FromSchema<typeof deliveryReceiptSchema>;
