import type { FromSchema } from 'json-schema-to-ts';
import { sectors } from './categories.ts';
import { sorIdSchema } from './letter.ts';
import { mailboxPatchSchema, mailboxSchema } from './mailbox.ts';

/**
 * The directory's admin, search and import contracts beyond the mailbox itself
 * (`schemas/mailbox.ts`): what `GET /v1/directory/mailboxes` takes and answers, the deactivate
 * body, a mailbox's history, and the SOR extract CSV with its import report.
 */

/** The columns of an SOR extract, in the order an export writes them. */
export const directoryImportColumns = [
  { name: 'sorId', required: true, description: 'SOR id, 11 to 18 digits (dk-core); rows are matched on it (upsert).' },
  {
    name: 'parentSorId',
    description: 'SOR id of the parent; may be a later row of the same file. Empty for a top owner.',
  },
  { name: 'kind', description: '`owner`, `institution` or `unit` (default `unit`).' },
  { name: 'name', required: true, description: 'The official SOR name.' },
  { name: 'displayName', description: 'A plain-words name shown in paths and search; empty for none.' },
  { name: 'sector', required: true, description: '`region`, `municipality` or `gp`.' },
  { name: 'municipalityCode', description: 'Kommunekode, three digits (Aarhus `751`).' },
  { name: 'regionCode', description: 'Region code, four digits (Midtjylland `1082`).' },
  { name: 'unitType', description: 'SOR unit type in words.' },
  { name: 'address', description: 'Postal address in one line.' },
  {
    name: 'ean',
    description: 'EAN location number, 13 digits with a valid GS1 check digit; empty = the nearest ancestor’s.',
  },
  {
    name: 'accepts',
    description:
      'Message types separated by commas, each with an optional version after a semicolon (quote the field then), e.g. `"CareCommunication;1.0"`.',
  },
  { name: 'endpoint', description: 'http(s) URL of the receiving system, overriding the sector default.' },
  { name: 'validFrom', description: 'First day of operation, `YYYY-MM-DD`.' },
  { name: 'validTo', description: 'Last day of operation, `YYYY-MM-DD`.' },
  { name: 'active', description: '`true` or `false` (also `1`/`0`, `ja`/`nej`); `false` deactivates the mailbox.' },
  { name: 'successorSorId', description: 'SOR id of the mailbox that takes over, in the directory or in the file.' },
] as const;

export type DirectoryImportColumn = (typeof directoryImportColumns)[number]['name'];

/** One row of the extract once its cells are typed; `null` clears a field of an existing mailbox. */
export const directoryImportRowSchema = {
  $id: 'DirectoryImportRow',
  type: 'object',
  additionalProperties: false,
  required: ['sorId', 'name', 'sector'],
  properties: { sorId: sorIdSchema, ...mailboxPatchSchema.properties },
} as const;
export type DirectoryImportRow = FromSchema<typeof directoryImportRowSchema>;

export const directoryImportReportSchema = {
  $id: 'DirectoryImportReport',
  type: 'object',
  additionalProperties: false,
  required: ['rows', 'created', 'updated', 'deactivated', 'unchanged', 'rejected', 'dryRun', 'committed'],
  properties: {
    rows: { type: 'integer', description: 'Data rows read (the header not counted).' },
    created: { type: 'integer' },
    updated: { type: 'integer', description: 'Changed, not counting deactivations.' },
    deactivated: { type: 'integer', description: 'Changed from active to inactive.' },
    unchanged: { type: 'integer' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['line', 'reason'],
        properties: { line: { type: 'integer' }, sorId: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    ignoredColumns: { type: 'array', items: { type: 'string' } },
    deactivatedMissing: {
      type: 'array',
      description:
        'With `deactivateMissing=true`: the mailboxes closed because the extract no longer lists them (not counted in `deactivated`). Only active mailboxes that an SOR import created or changed before are in scope; mailboxes added by hand are never closed this way.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sorId', 'name'],
        properties: { sorId: { type: 'string' }, name: { type: 'string' } },
      },
    },
    dryRun: { type: 'boolean' },
    committed: { type: 'boolean', description: 'Whether anything was written.' },
  },
} as const;
export type DirectoryImportReport = FromSchema<typeof directoryImportReportSchema>;

/** `POST /v1/directory/mailboxes/{sorId}/deactivate`. */
export const mailboxDeactivateSchema = {
  $id: 'MailboxDeactivate',
  type: 'object',
  additionalProperties: false,
  properties: {
    successorSorId: sorIdSchema,
    validTo: {
      type: 'string',
      format: 'date',
      description:
        'Last day of operation. A future day schedules the closing; today or earlier (the default: today) closes now.',
    },
  },
} as const;
export type MailboxDeactivate = FromSchema<typeof mailboxDeactivateSchema>;

/** The query of `GET /v1/directory/mailboxes`, after `limit` and `offset` are read as numbers. */
export const mailboxSearchQuerySchema = {
  $id: 'MailboxSearchQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200 },
    sector: { type: 'string', enum: [...sectors] },
    municipalityCode: { type: 'string', pattern: '^[0-9]{3}$' },
    regionCode: { type: 'string', pattern: '^[0-9]{4}$' },
    accepts: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9._-]*(;[A-Za-z0-9._-]+)?$', maxLength: 100 },
    active: { type: 'string', enum: ['true', 'false'] },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 10000 },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;
export type MailboxSearchQuery = FromSchema<typeof mailboxSearchQuerySchema>;

export const mailboxStates = ['in-operation', 'deactivated', 'not-yet-valid', 'expired'] as const;

/** One search hit: enough to choose a recipient without another call. */
export const mailboxSearchHitSchema = {
  $id: 'MailboxSearchHit',
  type: 'object',
  additionalProperties: false,
  required: [
    'sorId',
    'name',
    'displayName',
    'path',
    'kind',
    'sector',
    'municipalityCode',
    'regionCode',
    'ean',
    'accepts',
    'acceptsCareCommunication',
    'active',
    'state',
    'validFrom',
    'validTo',
    'successorSorId',
    'score',
  ],
  properties: {
    sorId: sorIdSchema,
    name: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    path: {
      type: 'array',
      items: { type: 'string' },
      description: 'Owner first, the mailbox last, display names where set.',
    },
    kind: mailboxSchema.properties.kind,
    sector: { type: 'string', enum: [...sectors] },
    municipalityCode: { type: ['string', 'null'] },
    regionCode: { type: ['string', 'null'] },
    ean: {
      type: ['string', 'null'],
      description: 'The EAN letters are delivered to: the own one or the nearest ancestor’s.',
    },
    accepts: { type: 'array', items: { type: 'string' } },
    acceptsCareCommunication: { type: 'boolean' },
    active: { type: 'boolean' },
    state: {
      type: 'string',
      enum: [...mailboxStates],
      description: 'Whether it receives letters today (Copenhagen date).',
    },
    validFrom: { type: ['string', 'null'] },
    validTo: { type: ['string', 'null'] },
    successorSorId: { type: ['string', 'null'] },
    score: { type: 'number', description: 'Relevance to `q`, higher first; 0 without `q`.' },
  },
} as const;
export type MailboxSearchHit = FromSchema<typeof mailboxSearchHitSchema>;

export const mailboxSearchPageSchema = {
  $id: 'MailboxSearchPage',
  type: 'object',
  additionalProperties: false,
  required: ['items', 'total', 'limit', 'offset', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/MailboxSearchHit' } },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` with the same query for the next page.' },
  },
} as const;

export const mailboxHistoryEntrySchema = {
  $id: 'MailboxHistoryEntry',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'change', 'changedAt', 'changedBy', 'before', 'after'],
  properties: {
    version: { type: 'integer' },
    change: { type: 'string', enum: ['create', 'update', 'deactivate', 'import'] },
    changedAt: { type: 'string', format: 'date-time' },
    changedBy: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: ['string', 'null'] }, name: { type: ['string', 'null'] } },
    },
    before: { oneOf: [{ $ref: '#/components/schemas/Mailbox' }, { type: 'null' }] },
    after: { $ref: '#/components/schemas/Mailbox' },
  },
} as const;
