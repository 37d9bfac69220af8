import type { FromSchema } from 'json-schema-to-ts';
import { letterSubmissionSchema } from './letter.ts';

const letter = letterSubmissionSchema.properties;

const followUpProperties = {
  category: letter.category,
  topic: letter.topic,
  text: letter.text,
  author: letter.author,
  attachments: letter.attachments,
  acknowledgedWarnings: letter.acknowledgedWarnings,
} as const;

/** `POST /v1/messages/{id}/reply`: to the earlier letter's sender, from its recipient; the thread is kept. */
export const replySchema = {
  $id: 'Reply',
  type: 'object',
  additionalProperties: false,
  required: ['text', 'author'],
  properties: followUpProperties,
} as const;

/** `POST /v1/messages/{id}/forward`: the whole letter, attachments included, to a new recipient. */
export const forwardSchema = {
  $id: 'Forward',
  type: 'object',
  additionalProperties: false,
  required: ['recipient', 'text', 'author'],
  properties: { recipient: letter.recipient, ...followUpProperties },
} as const;

export type Reply = FromSchema<typeof replySchema>;
export type Forward = FromSchema<typeof forwardSchema>;
