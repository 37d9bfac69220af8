import type { FromSchema } from 'json-schema-to-ts';
import { acknowledgementSummarySchema } from './acknowledgement.ts';
import { letterStatuses, sectors } from './categories.ts';
import { sorIdSchema } from './letter.ts';

/** What the letter routes answer: the 202 of a submission and a letter's status. */

const uuid = { type: 'string', format: 'uuid' } as const;
const eanOrNull = { type: 'string', pattern: '^[0-9]{13}$' } as const;
const warningSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

/** `202` of `POST /v1/messages` (and of a reroute, which adds `reroutedFrom`). */
export const letterAcceptedSchema = {
  $id: 'LetterAccepted',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status', 'recipient', 'warnings', 'statusUrl'],
  properties: {
    id: uuid,
    status: { type: 'string', enum: [...letterStatuses] },
    recipient: {
      type: 'object',
      additionalProperties: false,
      required: ['sorId', 'ean', 'name', 'sector'],
      properties: {
        sorId: sorIdSchema,
        ean: eanOrNull,
        name: { type: 'string' },
        sector: { type: 'string', enum: [...sectors] },
      },
    },
    warnings: { type: 'array', items: warningSchema, description: 'The warnings the sender acknowledged.' },
    reroutedFrom: { ...uuid, description: 'On a reroute: the misrouted letter this one replaces.' },
    statusUrl: { type: 'string' },
  },
} as const;
export type LetterAccepted = FromSchema<typeof letterAcceptedSchema>;

const party = {
  sorId: sorIdSchema,
  name: { type: ['string', 'null'], description: 'The official SOR name.' },
  displayName: { type: ['string', 'null'] },
} as const;

/** `GET /v1/messages/{id}`: status, parties with their official SOR names, attachment metadata. */
export const letterStatusSchema = {
  $id: 'LetterStatus',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status', 'category', 'sender', 'recipient', 'attachments', 'createdAt', 'updatedAt'],
  properties: {
    id: uuid,
    status: { type: 'string', enum: [...letterStatuses] },
    category: { type: 'string' },
    sender: {
      type: 'object',
      additionalProperties: false,
      required: ['sorId', 'name', 'displayName'],
      properties: party,
    },
    recipient: {
      type: 'object',
      additionalProperties: false,
      required: ['sorId', 'ean', 'name', 'displayName', 'sector'],
      properties: { ...party, ean: eanOrNull, sector: { type: 'string', enum: [...sectors] } },
    },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'contentType', 'size', 'sha256'],
        properties: {
          title: { type: 'string' },
          contentType: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
    },
    reroutedFrom: uuid,
    acknowledgement: {
      ...acknowledgementSummarySchema,
      description: 'The receiving system’s latest acknowledgement, once there is one.',
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;
export type LetterStatusResponse = FromSchema<typeof letterStatusSchema>;

/** `GET /v1/messages/{id}/events`: the letter's audit trail in order, as its sender may see it. */
export const letterEventsSchema = {
  $id: 'LetterEvents',
  type: 'object',
  additionalProperties: false,
  required: ['letterId', 'events'],
  properties: {
    letterId: uuid,
    events: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'at', 'action', 'actor', 'details'],
        properties: {
          seq: { type: 'integer', minimum: 1 },
          at: { type: 'string', format: 'date-time' },
          action: { type: 'string' },
          actor: { type: 'string' },
          details: { type: 'object' },
        },
      },
    },
  },
} as const;
export type LetterEvents = FromSchema<typeof letterEventsSchema>;
