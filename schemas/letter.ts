import type { FromSchema } from 'json-schema-to-ts';
import { attachmentContentTypes, categoryCodes } from './categories.ts';
import { encounterClasses, episodeOfCareIdPattern, type EncounterClass } from './episode-of-care.ts';
import { regionCodes, replacementCprSystems } from './patient-identifiers.ts';

export const maxAttachments = 10;
export const maxLinks = 10;

/** dk-core `min-digits-sor`: a SOR id has at least 11 digits (e.g. `265161000016000`); 18 is our upper bound. */
export const sorIdSchema = { type: 'string', pattern: '^[0-9]{11,18}$' } as const;

const personName = { type: 'string', minLength: 1, maxLength: 200 } as const;
const roleName = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  description:
    'One of MedCom’s SKS role codes (e.g. `sygeplejerske`, `overlaege`, `socialraadgiver`) is sent as that code; any other role (e.g. `Visitator`) as plain text.',
} as const;

/** Within the organisation, who exactly: a care team or a practitioner in a role (MedCom, optional). */
const specificParty = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description:
    'A more specific sender or recipient than the organisation: a care team (e.g. a home-care group) or a named practitioner in a role (e.g. a named GP). Exactly one of the two.',
  properties: {
    careTeam: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: personName },
    },
    practitioner: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'role'],
      properties: { name: personName, role: roleName },
    },
  },
} as const;

const organisationRef = {
  type: 'object',
  additionalProperties: false,
  required: ['sorId'],
  properties: { sorId: sorIdSchema, specific: specificParty },
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
          specific: specificParty,
        },
      },
      patient: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        description:
          'Exactly one of `cpr` and `replacementCpr`. A CPR whose day has 60 added (an old replacement form) is refused: send an eCPR.',
        properties: {
          cpr: { type: 'string', pattern: '^[0-9]{6}-?[0-9]{4}$' },
          replacementCpr: {
            type: 'object',
            additionalProperties: false,
            required: ['system', 'value'],
            description:
              'A replacement CPR when the real one is unknown: `x-ecpr` from the national eCPR service, `d-ecpr` a region’s own (with `regionCode`, the issuing region).',
            properties: {
              system: { type: 'string', enum: [...replacementCprSystems] },
              value: { type: 'string', pattern: '^[0-9]{7}[A-Z]{2}[0-9]$' },
              regionCode: { type: 'string', enum: [...regionCodes] },
            },
          },
          name: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            description:
              'Leave out `family` when the family name is unknown; it is then sent as unknown (data-absent-reason).',
            properties: {
              given: { type: 'string', minLength: 1, maxLength: 200 },
              family: { type: 'string', minLength: 1, maxLength: 200 },
            },
          },
          municipalityCode: { type: 'string', pattern: '^[0-9]{3}$' },
        },
      },
      episodeOfCare: {
        type: 'object',
        additionalProperties: false,
        required: ['identifier', 'encounterClass'],
        description:
          'The episode of care (forløb) the letter belongs to: an LPR3 identifier (UUID v5) is sent under the National Patient Registry, a UUID v4 as the sending organisation’s own. `encounterClass` is the HL7 v3 code of the patient’s contact (e.g. `IMP` inpatient, `AMB` ambulatory, `HH` home).',
        properties: {
          identifier: { type: 'string', pattern: episodeOfCareIdPattern },
          encounterClass: { type: 'string', enum: Object.keys(encounterClasses) as EncounterClass[] },
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
          role: roleName,
          phone: { type: 'string', pattern: '^\\+?[0-9 ]{8,20}$' },
        },
      },
      attachments: { type: 'array', maxItems: maxAttachments, items: attachment },
      links: {
        type: 'array',
        maxItems: maxLinks,
        description:
          'Links (e.g. to a web page with information for the patient), sent as MedCom attachment segments with a `url` instead of data. They carry no bytes and do not count against the ten attachments.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['title', 'url'],
          properties: {
            title: attachmentMeta.title,
            url: { type: 'string', maxLength: 2000, pattern: '^https://[^\\s]+$' },
            creation: attachmentMeta.creation,
          },
        },
      },
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
