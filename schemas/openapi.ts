import { acknowledgementSchema } from './acknowledgement.ts';
import { misrouteReportSchema, rerouteSchema } from './misroute.ts';
import { apiClientSchema } from './api-client.ts';
import { auditPaths } from './openapi-audit.ts';
import { directoryPaths, directorySchemas } from './openapi-directory.ts';
import { attachmentContentTypes, careCommunicationCategories, letterStatuses } from './categories.ts';
import { letterEnvelopeSchema, letterSubmissionSchema, maxAttachments } from './letter.ts';
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
      LetterEnvelope: letterEnvelopeSchema,
      Acknowledgement: acknowledgementSchema,
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
          'Submit a letter (JSON with base64 attachments, or multipart/form-data with a `message` part then up to ten file parts)',
          ['sender'],
          {
            parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 200 } }],
            requestBody: {
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/LetterSubmission' } },
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
          '409': { description: 'Warnings need acknowledgement (`confirmation-required`)' },
          '413': { description: 'Attachment or letter too large' },
          '422': { description: 'Invalid letter or blocked by a misroute guard' },
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
          'Positive or negative acknowledgement; code `wrong-recipient` marks a misroute',
          ['adapter', 'admin'],
          {
            requestBody: json({ $ref: '#/components/schemas/Acknowledgement' }),
          },
        ),
        { '200': { description: '`{ messageId, status }`' } },
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
    '/docs': { get: operation('This document, rendered', 'public') },
  },
} as const;
