import { sorIdSchema } from './letter.ts';
import {
  directoryImportColumns,
  directoryImportReportSchema,
  mailboxDeactivateSchema,
  mailboxHistoryEntrySchema,
  mailboxSearchHitSchema,
  mailboxSearchPageSchema,
  mailboxSearchQuerySchema,
} from './directory.ts';

/**
 * The directory's paths of the OpenAPI document (schemas/openapi.ts spreads them in), with the
 * SOR extract's CSV columns described from the same list the import reads.
 */

const problem = { $ref: '#/components/responses/Problem' };
const everyone = ['sender', 'admin', 'auditor', 'adapter'];
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const sorParam = { name: 'sorId', in: 'path', required: true, schema: sorIdSchema };
const etag = {
  ETag: {
    description: 'The mailbox version, `"<version>"`; send it back in If-Match to change the mailbox.',
    schema: { type: 'string' },
  },
};
const mailboxWithPath = {
  allOf: [
    { $ref: '#/components/schemas/Mailbox' },
    { type: 'object', properties: { path: { type: 'array', items: { type: 'string' } } } },
  ],
};

function operation(
  summary: string,
  roles: string[],
  extra: Record<string, unknown>,
  responses: Record<string, unknown>,
) {
  return { summary, 'x-roles': roles, ...extra, responses: { ...responses, default: problem } };
}

const searchDescriptions: Record<string, string> = {
  q: 'Words of any part of the hierarchy path, in any order: "socialpsykiatri aarhus". Æ, ø, å and their aa/oe/ae (or plain a/o) spellings match each other; word beginnings, parts of compound words and small misspellings match too.',
  sector: 'Only this sector.',
  municipalityCode: 'Only mailboxes with this kommunekode.',
  regionCode: 'Only mailboxes with this region code.',
  accepts:
    'Only mailboxes accepting this message type (`CareCommunication`), or this version of it (`CareCommunication;1.0`; a mailbox listing no version takes any).',
  active: '`true`: only mailboxes receiving letters today; `false`: only those that do not.',
  limit: 'Hits a page, 1 to 100 (default 20).',
  offset: 'Hits to skip (at most 10000). Or use `cursor`.',
  cursor: '`nextCursor` of the previous page, with the same search.',
};

const columnList = directoryImportColumns
  .map((column) => `- \`${column.name}\`${'required' in column ? ' (required)' : ''}: ${column.description}`)
  .join('\n');

const importDescription = [
  'An SOR extract as CSV: UTF-8 (a byte order mark is fine), `;` between fields, a header row, CRLF or LF line ends;',
  'fields holding `;`, quotes or line breaks are quoted with `"` (a quote inside as `""`). Header names are matched',
  'ignoring case and punctuation (`SOR-ID` = `sorId`); unknown columns are ignored and listed in `ignoredColumns`.',
  'Columns missing from the file leave those fields of existing mailboxes as they are; an empty cell clears an optional field.',
  '',
  columnList,
  '',
  'Rows are matched on `sorId`: new ones are created, changed ones updated (each change in the mailbox history),',
  'identical ones left alone, so importing the same file twice changes nothing. Parents may come after their children.',
  'A row is rejected, with its line number and reason, for a malformed field, a wrong EAN check digit, a SOR id given',
  'twice, a parent or successor found neither in the directory nor in the file, or a parent chain that loops; rows',
  'below a rejected row are rejected with it. Mailboxes are never deleted: `active` false deactivates one.',
  "One `mailbox-imported` audit event records the counts and the file's SHA-256.",
].join('\n');

export const directorySchemas = {
  MailboxDeactivate: mailboxDeactivateSchema,
  MailboxSearchHit: mailboxSearchHitSchema,
  MailboxSearchPage: mailboxSearchPageSchema,
  MailboxHistoryEntry: mailboxHistoryEntrySchema,
  DirectoryImportReport: directoryImportReportSchema,
};

export const directoryPaths = {
  '/v1/directory/mailboxes': {
    get: operation(
      'Search the directory for a recipient, or list it with filters',
      everyone,
      {
        description:
          'With `q`, hits are ranked by relevance: how many of the words the mailbox matches anywhere in its path, how many its own name matches, and how close its name is to the query. Without `q`, mailboxes come in path order.',
        parameters: Object.entries(mailboxSearchQuerySchema.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          description: searchDescriptions[name],
          schema,
        })),
      },
      { '200': json({ $ref: '#/components/schemas/MailboxSearchPage' }, 'A page of hits with the total') },
    ),
    post: operation(
      'Add a mailbox to the directory (audited `mailbox-created`)',
      ['admin'],
      { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/MailboxCreate' } } } } },
      { '201': { ...json({ $ref: '#/components/schemas/Mailbox' }, 'The mailbox'), headers: etag } },
    ),
  },
  '/v1/directory/mailboxes/{sorId}': {
    get: operation(
      'One mailbox with its hierarchy path',
      everyone,
      { parameters: [sorParam] },
      {
        '200': { ...json(mailboxWithPath, 'The mailbox'), headers: etag },
      },
    ),
    patch: operation(
      'Change a mailbox (audited `mailbox-updated`, or `mailbox-deactivated` when `active` becomes false)',
      ['admin'],
      {
        description:
          'Only the fields given change; `null` clears an optional one. Optimistic concurrency: `If-Match` must carry the ETag you read; without it the answer is 428 `precondition-required`, with an older one 412 `version-conflict`.',
        parameters: [
          sorParam,
          { name: 'If-Match', in: 'header', required: true, schema: { type: 'string', example: '"3"' } },
        ],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/MailboxPatch' } } } },
      },
      {
        '200': { ...json(mailboxWithPath, 'The changed mailbox'), headers: etag },
        '412': { description: '`version-conflict`: someone changed the mailbox since you read it' },
        '428': { description: '`precondition-required`: If-Match is missing' },
      },
    ),
  },
  '/v1/directory/mailboxes/{sorId}/deactivate': {
    post: operation(
      'Take a mailbox out of operation, naming its successor (audited `mailbox-deactivated`)',
      ['admin'],
      {
        description:
          'Mailboxes are never deleted. Letters to a deactivated mailbox are refused with `recipient-inactive`, naming the successor. The successor must be in operation. A `validTo` in the future schedules the closing (`scheduled: true`). `If-Match` is optional here; when given it must be current.',
        parameters: [sorParam, { name: 'If-Match', in: 'header', schema: { type: 'string' } }],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/MailboxDeactivate' } } },
        },
      },
      { '200': { ...json(mailboxWithPath, 'The mailbox, with `scheduled`'), headers: etag } },
    ),
  },
  '/v1/directory/mailboxes/{sorId}/history': {
    get: operation(
      'Every change of a mailbox: who, when, before and after, version',
      everyone,
      { parameters: [sorParam] },
      {
        '200': json(
          {
            type: 'object',
            properties: {
              sorId: { type: 'string' },
              items: { type: 'array', items: { $ref: '#/components/schemas/MailboxHistoryEntry' } },
            },
          },
          'Oldest first',
        ),
      },
    ),
  },
  '/v1/directory/import': {
    post: operation(
      'Import an SOR extract (CSV): create, update and deactivate mailboxes',
      ['admin'],
      {
        description: importDescription,
        parameters: [
          {
            name: 'dryRun',
            in: 'query',
            description: 'Report what the import would do, writing nothing.',
            schema: { type: 'boolean', default: false },
          },
          {
            name: 'allOrNothing',
            in: 'query',
            description: 'Write nothing if any row is rejected (then 422 `import-rejected` with the report).',
            schema: { type: 'boolean', default: false },
          },
          {
            name: 'deactivateMissing',
            in: 'query',
            description:
              'Also deactivate the mailboxes the extract no longer lists, each with a `mailbox-deactivated` audit event; listed in `deactivatedMissing`. In scope are only active mailboxes that an SOR import created or changed before: mailboxes added by hand are never deactivated this way. Refused (422 `import-missing-unsafe`) when a row has no SOR id. Combine with `dryRun` to see the list first.',
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
      },
      {
        '200': json(
          { $ref: '#/components/schemas/DirectoryImportReport' },
          'What was (or, dry run, would be) created, updated, deactivated, left unchanged and rejected',
        ),
        '415': { description: 'Not `text/csv`, or not UTF-8' },
        '422': {
          description:
            '`import-header-invalid`, `import-empty`, `import-encoding-invalid`, `import-missing-unsafe`, or `import-rejected` (all-or-nothing)',
        },
      },
    ),
  },
};
