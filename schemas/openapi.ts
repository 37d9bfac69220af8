import { acknowledgementRecordedSchema, acknowledgementSchema } from './acknowledgement.ts';
import { acknowledgementUris } from './acknowledgement-codes.ts';
import { misrouteReportSchema, rerouteSchema } from './misroute.ts';
import { apiClientSchema } from './api-client.ts';
import { auditPaths } from './openapi-audit.ts';
import { directoryPaths, directorySchemas } from './openapi-directory.ts';
import { attachmentContentTypes, careCommunicationCategories, letterStatuses } from './categories.ts';
import { letterEnvelopeSchema, letterSubmissionSchema, maxAttachments } from './letter.ts';
import { forwardSchema, replySchema } from './letter-followup.ts';
import { letterAcceptedSchema, letterEventsSchema, letterStatusSchema } from './letter-responses.ts';
import { problemSchema } from './problem.ts';
import { auditEventSchema } from './audit.ts';
import { mailboxCreateSchema, mailboxPatchSchema, mailboxSchema } from './mailbox.ts';

type Role = 'sender' | 'admin' | 'auditor' | 'adapter';

const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operation(summary: string, roles: Role[] | 'public', extra: Record<string, unknown> = {}) {
  return {
    summary,
    'x-roles': roles,
    ...(roles === 'public' ? { security: [] } : {}),
    responses: { default: problem },
    ...extra,
  };
}

const withResponses = (op: ReturnType<typeof operation>, responses: Record<string, unknown>) => ({
  ...op,
  responses: { ...responses, ...op.responses },
});

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

/** The OpenAPI 3.1 document of the v1 REST surface (DESIGN.md), served at `/docs`. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Postbud — MedCom correspondence gateway',
    version: '1',
    description: [
      'Submit MedCom CareCommunication letters (korrespondancemeddelelser) between regions, municipalities and GPs,',
      'with misroute guards, delivery through sector adapters and a hash-chained audit trail.',
      '',
      `Attachments: at most ${maxAttachments} per letter, of types ${attachmentContentTypes.join(', ')}. The declared type must`,
      "match the file's magic bytes. Default size limits: 20 MiB per file, 50 MiB per letter (configurable with",
      'POSTBUD_MAX_FILE_BYTES and POSTBUD_MAX_LETTER_BYTES).',
      '',
      `Categories: ${Object.entries(careCommunicationCategories)
        .map(([code, label]) => `${code} (${label})`)
        .join(', ')}.`,
      '',
      `Letter statuses: ${letterStatuses.join(', ')}.`,
      '',
      'Errors are RFC 9457 application/problem+json with a stable `code`. Auth: `Authorization: Bearer <api key>`.',
    ].join('\n'),
  },
  components: {
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: { 'application/problem+json': { schema: schemaRef('Problem') } },
      },
    },
    schemas: {
      LetterSubmission: letterSubmissionSchema,
      Reply: replySchema,
      Forward: forwardSchema,
      LetterEnvelope: letterEnvelopeSchema,
      Acknowledgement: acknowledgementSchema,
      AcknowledgementRecorded: acknowledgementRecordedSchema,
      MisrouteReport: misrouteReportSchema,
      Reroute: rerouteSchema,
      ApiClientRequest: apiClientSchema,
      MailboxCreate: mailboxCreateSchema,
      MailboxPatch: mailboxPatchSchema,
      Mailbox: mailboxSchema,
      LetterAccepted: letterAcceptedSchema,
      LetterStatus: letterStatusSchema,
      LetterEvents: letterEventsSchema,
      AuditEvent: auditEventSchema,
      Problem: problemSchema,
      ...directorySchemas,
    },
  },
  security: [{ apiKey: [] }],
  paths: {
    '/v1/messages': {
      post: withResponses(
        operation(
          'Submit a letter: JSON with base64 attachments; multipart/form-data with a `message` part then up to ten file parts; or a MedCom CareCommunication 5.0 Bundle as application/fhir+xml or application/fhir+json (its MessageHeader.id is the letter id and the idempotency key; refusals carry `medcomCode`)',
          ['sender'],
          {
            parameters: [
              { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 200 } },
              {
                name: 'Postbud-Acknowledged-Warnings',
                in: 'header',
                description: 'For a Bundle: the warning codes the user confirmed, comma-separated',
                schema: { type: 'string' },
              },
              {
                name: 'acknowledgedWarnings',
                in: 'query',
                description: 'For a Bundle: as the header',
                schema: { type: 'string' },
              },
            ],
            requestBody: {
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/LetterSubmission' } },
                'application/fhir+xml': { schema: { type: 'string', description: 'A CareCommunication 5.0 Bundle' } },
                'application/fhir+json': {
                  schema: { type: 'object', description: 'A CareCommunication 5.0 Bundle' },
                },
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    properties: { message: { $ref: '#/components/schemas/LetterEnvelope' } },
                    description: 'The `message` part first; then one file part per entry of `attachments`, in order.',
                  },
                },
              },
            },
          },
        ),
        {
          '202': { description: 'Accepted', ...json(schemaRef('LetterAccepted')) },
          '413': { description: 'Attachment or letter too large' },
          '409': {
            description:
              'Warnings need acknowledgement (`confirmation-required`); a Bundle whose MessageHeader.id is taken by other content (`message-id-reused`, MSG_DUPLICATE_ID)',
          },
          '422': { description: 'Invalid letter or blocked by a misroute guard' },
        },
      ),
    },
    '/v1/messages/{id}/reply': {
      post: withResponses(
        operation(
          "Reply in MedCom's form, from the letter's recipient to its sender: the thread is kept, earlier text re-included, earlier attachments cited without data",
          ['sender'],
          { parameters: [idParam], requestBody: json({ $ref: '#/components/schemas/Reply' }) },
        ),
        { '202': { description: 'The reply, as a new letter', ...json(schemaRef('LetterAccepted')) } },
      ),
    },
    '/v1/messages/{id}/forward': {
      post: withResponses(
        operation(
          "Forward in MedCom's form to a new recipient: a new thread, every earlier attachment re-sent",
          ['sender'],
          { parameters: [idParam], requestBody: json({ $ref: '#/components/schemas/Forward' }) },
        ),
        { '202': { description: 'The forward, as a new letter', ...json(schemaRef('LetterAccepted')) } },
      ),
    },
    '/v1/threads/{identifier}': {
      get: withResponses(
        operation(
          "A conversation's letters in order (by Communication.identifier), for its parties and auditors",
          ['sender', 'auditor', 'admin'],
          { parameters: [{ name: 'identifier', in: 'path', required: true, schema: { type: 'string' } }] },
        ),
        {
          '200': {
            description:
              '`{ identifier, letters: [{ id, activity, status, senderSorId, recipientSorId, createdAt, forwardedAs }] }`',
          },
        },
      ),
    },
    '/v1/messages/preview': {
      post: withResponses(
        operation('Resolve and check a letter without storing it (confirm-recipient screen)', ['sender'], {
          requestBody: json({ $ref: '#/components/schemas/LetterEnvelope' }),
        }),
        { '200': { description: '`{ recipient (with path), blocking, warnings }`' } },
      ),
    },
    '/v1/messages/{id}': {
      get: withResponses(
        operation('Status, recipient, timestamps and attachment metadata', ['sender', 'auditor', 'admin', 'adapter'], {
          parameters: [idParam],
        }),
        { '200': { description: 'The letter', ...json(schemaRef('LetterStatus')) } },
      ),
    },
    '/v1/messages/{id}/xml': {
      get: withResponses(
        operation(
          'The MedCom XML. A sender reads it as accepted; an adapter fetches it to send it, and each fetch is a sending of its own: a new Bundle.id, Bundle.timestamp and Provenance recorded time, the same MessageHeader.id (the letter id)',
          ['sender', 'adapter'],
          { parameters: [idParam] },
        ),
        {
          '200': { description: 'application/fhir+xml' },
        },
      ),
    },
    '/v1/messages/{id}/events': {
      get: withResponses(
        operation('The audit trail of one letter', ['sender', 'auditor', 'admin'], { parameters: [idParam] }),
        {
          '200': { description: 'Ordered events', ...json(schemaRef('LetterEvents')) },
        },
      ),
    },
    '/v1/messages/{id}/misroute': {
      post: withResponses(
        operation(
          'Report a wrong recipient after sending: the letter becomes misrouted and a misroute record is kept',
          ['adapter', 'admin', 'auditor'],
          {
            parameters: [idParam],
            requestBody: json({ $ref: '#/components/schemas/MisrouteReport' }),
          },
        ),
        { '201': { description: '`{ misrouteId, letterId, status }`' } },
      ),
    },
    '/v1/messages/{id}/reroute': {
      post: withResponses(
        operation(
          'Re-send a misrouted letter as a new, linked letter to the right mailbox (defaults to the reported `correctSorId`), through every guard again',
          ['sender', 'admin'],
          {
            parameters: [idParam],
            requestBody: json({ $ref: '#/components/schemas/Reroute' }),
          },
        ),
        { '202': { description: 'The new letter, with `reroutedFrom`', ...json(schemaRef('LetterAccepted')) } },
      ),
    },
    '/v1/acknowledgements': {
      post: withResponses(
        operation(
          'The receiving system’s acknowledgement of a letter: a MedCom Acknowledgement 2.0 Bundle, or the JSON form',
          ['adapter', 'admin'],
          {
            description: [
              'As `application/fhir+xml` or `application/fhir+json`: a MedCom Acknowledgement 2.0 Bundle',
              `(${acknowledgementUris.messageProfile}). \`MessageHeader.response.identifier\` is the acknowledged`,
              'MessageHeader.id, which finds the letter however it was submitted. The Bundle is checked against the',
              'Acknowledgement profile (cardinalities, fixed values, the issue-details value set, the invariants',
              'medcom-acknowledgement-1/-2); a refusal is 422 `acknowledgement-invalid` with `medcomCode` and `errors`',
              '(rule ids and paths, never values). MessageHeader.sender must be the letter’s recipient and',
              'destination.receiver its sender, by SOR id or EAN (422 `acknowledgement-parties-mismatch`).',
              '',
              '`ok` → acknowledged; `transient-error` → recorded, the letter stays open for a later `ok` or',
              '`fatal-error`; `fatal-error` → rejected with its OperationOutcome codes. The same acknowledgement again',
              '(same MessageHeader.id, or the same answer as the last) is answered alike with `duplicate: true` and',
              'recorded once; `ok` after `fatal-error` is 409 `letter-state-conflict`; a MessageHeader.id used before',
              'for other content is 409 `acknowledgement-id-reused`.',
              '',
              'As `application/json`: `positive` (= `ok`) or `negative` (= `fatal-error`), or the MedCom codes',
              'themselves; `code` is a MedCom error code, or `wrong-recipient`, which marks a misroute.',
            ].join('\n'),
            requestBody: {
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Acknowledgement' } },
                'application/fhir+xml': { schema: { type: 'string', description: 'A MedCom Acknowledgement Bundle' } },
                'application/fhir+json': { schema: { type: 'object', description: 'A MedCom Acknowledgement Bundle' } },
              },
            },
          },
        ),
        {
          '200': { description: 'Recorded, or a repeat', ...json(schemaRef('AcknowledgementRecorded')) },
          '404': { description: 'No such letter (`letter-not-found`)' },
          '409': { description: '`letter-state-conflict` or `acknowledgement-id-reused`' },
          '422': { description: '`acknowledgement-invalid` or `acknowledgement-parties-mismatch`' },
        },
      ),
    },
    '/v1/messages/{id}/acknowledgement': {
      get: withResponses(
        operation(
          'The letter’s latest acknowledgement as a MedCom Acknowledgement 2.0 Bundle, for the sending system',
          ['sender', 'auditor', 'admin', 'adapter'],
          {
            description: [
              'FHIR JSON by default, FHIR XML with `Accept: application/fhir+xml`. The MessageHeader',
              '(acknowledgementHeader profile) goes from the letter’s recipient to its sender, `response.identifier`',
              'is the letter’s MessageHeader.id and `response.details` the OperationOutcome unless `ok`; two',
              'Provenances (the letter’s, with its activity, and the acknowledgement’s, activity `acknowledgement`,',
              'entity the acknowledged MessageHeader); both Organizations with SOR id and EAN. Each call has a new',
              'Bundle.id and timestamp; the acknowledgement’s MessageHeader.id stays.',
            ].join('\n'),
            parameters: [idParam],
          },
        ),
        {
          '200': {
            description: 'The Acknowledgement Bundle',
            content: {
              'application/fhir+json': { schema: { type: 'object' } },
              'application/fhir+xml': { schema: { type: 'string' } },
            },
          },
          '404': { description: '`letter-not-found`, or `acknowledgement-not-found` until the receiver answers' },
          '406': { description: 'Neither FHIR JSON nor FHIR XML is acceptable (`not-acceptable`)' },
        },
      ),
    },
    '/v1/admin/clients': {
      get: withResponses(
        operation('List API clients (roles, senders, active, revoked, rotated); never keys', ['admin']),
        {
          '200': {
            description: '`{ clients: [{ id, name, roles, senders, active, createdAt, revokedAt, keyRotatedAt }] }`',
          },
        },
      ),
      post: withResponses(
        operation('Create an API client; its key is shown once', ['admin'], {
          requestBody: json({ $ref: '#/components/schemas/ApiClientRequest' }),
        }),
        { '201': { description: '`{ id, name, roles, senders, key }`' } },
      ),
    },
    '/v1/admin/clients/{id}/revoke': {
      post: withResponses(
        operation(
          'Revoke an API client: its key is refused from the next request (audited `client-revoked`)',
          ['admin'],
          {
            parameters: [idParam],
          },
        ),
        { '200': { description: '`{ id, name, active: false }`' }, '409': { description: '`client-revoke-self`' } },
      ),
    },
    '/v1/admin/clients/{id}/rotate': {
      post: withResponses(
        operation(
          'Give an API client a new key, shown once; the old key is refused at once (audited `client-key-rotated`)',
          ['admin'],
          {
            parameters: [idParam],
          },
        ),
        { '200': { description: '`{ id, name, key }`' }, '409': { description: '`client-revoked`' } },
      ),
    },
    '/v1/admin/dead-letters': {
      get: withResponses(
        operation(
          'Letters whose delivery failed, newest first, with sector, recipient, attempts and the last error (audited)',
          ['admin'],
          {
            parameters: [
              { name: 'sector', in: 'query', schema: { type: 'string', enum: ['region', 'municipality', 'gp'] } },
              { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
              { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '`next` of the previous page' },
            ],
          },
        ),
        {
          '200': {
            description:
              '`{ items: [{ letterId, sector, category, sender, recipient, deliveryRound, attempts, lastError, acceptedAt, failedAt }], next? }`',
          },
        },
      ),
    },
    '/v1/admin/dead-letters/{letterId}/replay': {
      post: withResponses(
        operation(
          'Re-queue a failed letter after its endpoint is fixed; removes its stale copy from the dead-letter queue (audited `replayed`)',
          ['admin'],
          {
            parameters: [{ ...idParam, name: 'letterId' }],
          },
        ),
        {
          '202': { description: '`{ letterId, sector, deliveryRound, deadLetterQueue: { removed }, statusUrl }`' },
          '409': { description: '`letter-not-failed` or `replay-pending`' },
        },
      ),
    },
    ...directoryPaths,
    ...auditPaths,
    '/health/live': { get: operation('Liveness', 'public') },
    '/health/ready': { get: operation('Readiness: PostgreSQL and RabbitMQ reachable', 'public') },
    '/metrics': { get: operation('Prometheus metrics', 'public') },
    '/docs': { get: operation('This document as an interactive reference (Swagger UI)', 'public') },
  },
} as const;
