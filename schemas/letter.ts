import type { FromSchema } from 'json-schema-to-ts';
import { attachmentContentTypes, categoryCodes } from './categories.ts';

export const maxAttachments = 10;

/** dk-core `min-digits-sor`: a SOR id has at least 11 digits (e.g. `265161000016000`); 18 is our upper bound. */
export const sorIdSchema = { type: 'string', pattern: '^[0-9]{11,18}$' } as const;

const organisationRef = {
  type: 'object',
  additionalProperties: false,
  required: ['sorId'],
  properties: { sorId: sorIdSchema },
} as const;

const attachmentMeta = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  contentType: { type: 'string', enum: [...attachmentContentTypes] },
  creation: { type: 'string', format: 'date-time' },
} as const;

function letterSchema<A extends object>(id: string, attachment: A) {
  return {
    $id: id,
    type: 'object',
    additionalProperties: false,
    required: ['sender', 'recipient', 'patient', 'category', 'text', 'author'],
    properties: {
      sender: organisationRef,
      recipient: {
        type: 'object',
        additionalProperties: false,
        required: ['sorId'],
        properties: {
          sorId: sorIdSchema,
          expectedName: { type: 'string', minLength: 1, maxLength: 300 },
        },
      },
      patient: {
        type: 'object',
        additionalProperties: false,
        required: ['cpr', 'name'],
        properties: {
          cpr: { type: 'string', pattern: '^[0-9]{6}-?[0-9]{4}$' },
          name: {
            type: 'object',
            additionalProperties: false,
            required: ['given', 'family'],
            properties: {
              given: { type: 'string', minLength: 1, maxLength: 200 },
              family: { type: 'string', minLength: 1, maxLength: 200 },
            },
          },
          municipalityCode: { type: 'string', pattern: '^[0-9]{3}$' },
        },
      },
      category: { type: 'string', enum: [...categoryCodes] },
      topic: { type: 'string', minLength: 1, maxLength: 200 },
      priority: { type: 'string', enum: ['routine', 'asap'] },
      text: { type: 'string', minLength: 1, maxLength: 100_000 },
      author: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role', 'phone'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          role: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            description:
              'One of MedCom’s SKS role codes (e.g. `sygeplejerske`, `overlaege`, `socialraadgiver`) is sent as that code; any other role (e.g. `Visitator`) as plain text.',
          },
          phone: { type: 'string', pattern: '^\\+?[0-9 ]{8,20}$' },
        },
      },
      attachments: { type: 'array', maxItems: maxAttachments, items: attachment },
      acknowledgedWarnings: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 60 } },
    },
  } as const;
}

/** `POST /v1/messages` as JSON: attachments carry their bytes as base64. */
export const letterSubmissionSchema = letterSchema('LetterSubmission', {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'contentType', 'data'],
  properties: { ...attachmentMeta, data: { type: 'string', minLength: 1 } },
} as const);

/** The `message` part of a multipart submission: the same letter, attachment bytes in file parts. */
export const letterEnvelopeSchema = letterSchema('LetterEnvelope', {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'contentType'],
  properties: attachmentMeta,
} as const);

export type LetterSubmission = FromSchema<typeof letterSubmissionSchema>;
export type LetterEnvelope = FromSchema<typeof letterEnvelopeSchema>;
