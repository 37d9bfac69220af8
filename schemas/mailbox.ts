import type { FromSchema } from 'json-schema-to-ts';
import { sectors } from './categories.ts';
import { sorIdSchema } from './letter.ts';

/**
 * The recipient directory's mailboxes (SOR units with their EAN location number), as written by
 * admins (`POST`/`PATCH /v1/directory/mailboxes`) and as read by everyone.
 */

export const mailboxKinds = ['owner', 'institution', 'unit'] as const;

// JSON Schema cannot check the GS1 check digit; routing/directory.ts refuses a wrong one.
const eanSchema = { type: 'string', pattern: '^[0-9]{13}$' } as const;
const nameSchema = { type: 'string', minLength: 1, maxLength: 300 } as const;
// Entries may carry a version after a semicolon, as in `CareCommunication;1.0`.
const acceptsSchema = {
  type: 'array',
  maxItems: 50,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9._-]*(;[A-Za-z0-9._-]+)?$', maxLength: 100 },
} as const;
// Only http(s): an adapter must never be pointed at file: or other schemes by a directory entry.
const endpointSchema = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 } as const;
const dateSchema = { type: 'string', format: 'date' } as const;

/** Fields an admin may set, shared by create and patch; `nullable` lists the ones a patch may clear. */
function mailboxFields<N extends boolean>(nullable: N) {
  const orNull = <S extends { type: string }>(schema: S) =>
    (nullable ? { ...schema, type: [schema.type, 'null'] } : schema) as N extends true
      ? Omit<S, 'type'> & { type: readonly [S['type'], 'null'] }
      : S;
  return {
    ean: orNull(eanSchema),
    name: nameSchema,
    displayName: orNull(nameSchema),
    parentSorId: orNull(sorIdSchema),
    kind: { type: 'string', enum: [...mailboxKinds] },
    sector: { type: 'string', enum: [...sectors] },
    municipalityCode: orNull({ type: 'string', pattern: '^[0-9]{3}$' } as const),
    regionCode: orNull({ type: 'string', pattern: '^[0-9]{4}$' } as const),
    unitType: orNull({ type: 'string', minLength: 1, maxLength: 200 } as const),
    address: orNull({ type: 'string', minLength: 1, maxLength: 500 } as const),
    accepts: acceptsSchema,
    endpoint: orNull(endpointSchema),
    validFrom: orNull(dateSchema),
    validTo: orNull(dateSchema),
    active: { type: 'boolean' },
    successorSorId: orNull(sorIdSchema),
  } as const;
}

const createFields = mailboxFields(false);

/** `POST /v1/directory/mailboxes`. */
export const mailboxCreateSchema = {
  $id: 'MailboxCreate',
  type: 'object',
  additionalProperties: false,
  required: ['sorId', 'name', 'sector', 'accepts'],
  properties: {
    sorId: sorIdSchema,
    ...createFields,
    kind: { ...createFields.kind, default: 'unit' },
    active: { ...createFields.active, default: true },
  },
} as const;

/** `PATCH /v1/directory/mailboxes/{sorId}`: only the fields to change; `null` clears an optional one. */
export const mailboxPatchSchema = {
  $id: 'MailboxPatch',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: mailboxFields(true),
} as const;

/** A mailbox as the directory answers it: every field present, `null` where unset. */
export const mailboxSchema = {
  $id: 'Mailbox',
  type: 'object',
  additionalProperties: false,
  required: [
    'sorId',
    'ean',
    'name',
    'displayName',
    'parentSorId',
    'kind',
    'sector',
    'municipalityCode',
    'regionCode',
    'unitType',
    'address',
    'accepts',
    'endpoint',
    'validFrom',
    'validTo',
    'active',
    'successorSorId',
    'version',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    sorId: sorIdSchema,
    ...mailboxFields(true),
    accepts: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer', minimum: 1 },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

// Defaults stay optional in the input types: ajv fills them only with `useDefaults`, and the
// directory applies the same defaults for callers that bypass HTTP (the SOR import).
export type MailboxCreate = FromSchema<typeof mailboxCreateSchema, { keepDefaultedPropertiesOptional: true }>;
export type MailboxPatch = FromSchema<typeof mailboxPatchSchema>;
export type Mailbox = FromSchema<typeof mailboxSchema>;
export type MailboxKind = (typeof mailboxKinds)[number];
