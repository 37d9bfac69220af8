import type { FromSchema } from 'json-schema-to-ts';

/**
 * Query strings of the auditors' API (`/v1/audit/…`). Every value arrives as a string; a
 * repeated parameter arrives as an array and is refused. Times are RFC 3339 date-times, or a
 * date alone meaning 00:00 UTC; `from` is inclusive and `to` exclusive.
 */
const instant = {
  anyOf: [
    { type: 'string', format: 'date-time' },
    { type: 'string', format: 'date' },
  ],
} as const;
const sorId = { type: 'string', pattern: '^[0-9]{6,18}$' } as const;
const seqNumber = { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } as const;

export const auditEventsQuerySchema = {
  $id: 'AuditEventsQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    letterId: { type: 'string', format: 'uuid' },
    senderSorId: sorId,
    recipientSorId: sorId,
    /** Any event naming this mailbox (`sorId` of the event): directory changes, accepted letters. */
    sorId,
    /** DDMMYY-XXXX or ten digits; matched by keyed hash, never stored or logged. */
    cpr: { type: 'string', pattern: '^[0-9]{6}-?[0-9]{4}$' },
    /** One action or several, comma-separated (`misrouted,rerouted`). */
    action: { type: 'string', pattern: '^[a-z][a-z-]{0,39}(,[a-z][a-z-]{0,39}){0,19}$' },
    from: instant,
    to: instant,
    /** `nextCursor` of the previous page: the last `seq` it held. */
    cursor: seqNumber,
    order: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
  },
} as const;
export type AuditEventsQuery = FromSchema<typeof auditEventsQuerySchema>;

/** `POST /v1/audit/events/search`: the same filters in a JSON body, so a CPR never sits in a URL that proxies log. */
export const auditEventsSearchSchema = { ...auditEventsQuerySchema, $id: 'AuditEventsSearch' } as const;

export const misrouteReportQuerySchema = {
  $id: 'MisrouteReportQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    from: instant,
    to: instant,
    groupBy: { type: 'string', enum: ['recipient', 'sender', 'senderRecipientPair'] },
  },
} as const;
export type MisrouteReportQuery = FromSchema<typeof misrouteReportQuerySchema>;

/** `from`/`to` as a sequence number (inclusive both ends) or as times (`to` exclusive). */
export const auditVerifyQuerySchema = {
  $id: 'AuditVerifyQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { anyOf: [seqNumber, ...instant.anyOf] },
    to: { anyOf: [seqNumber, ...instant.anyOf] },
  },
} as const;
export type AuditVerifyQuery = FromSchema<typeof auditVerifyQuerySchema>;

/** `GET /v1/audit/verify` and `postbud audit verify`. */
export const auditVerifyResultSchema = {
  $id: 'AuditVerifyResult',
  type: 'object',
  additionalProperties: false,
  required: ['ok', 'checked'],
  properties: {
    ok: { type: 'boolean' },
    checked: { type: 'integer', description: 'Events whose hash and link were recomputed.' },
    firstBrokenSeq: { type: 'integer', description: 'The first sequence number at which the chain does not hold.' },
    reason: { type: 'string', enum: ['missing', 'prev-hash-mismatch', 'hash-mismatch'] },
    lastSeq: {
      type: 'integer',
      description: 'The last event checked; with `lastHash` an anchor to keep outside Postbud.',
    },
    lastHash: { type: 'string' },
  },
} as const;
export type AuditVerifyResult = FromSchema<typeof auditVerifyResultSchema>;

/**
 * An audit event as auditors see it (`GET /v1/audit/events`, traces): with its hashes, so they
 * can check the chain themselves. CPR numbers in `details` are masked; `detailsMasked` then says
 * why the event no longer hashes to `hash`.
 */
export const auditEventSchema = {
  $id: 'AuditEvent',
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'at', 'actor', 'action', 'letterId', 'sorId', 'details', 'prevHash', 'hash'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    actor: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name'],
      properties: { id: { type: ['string', 'null'] }, name: { type: 'string' } },
    },
    action: {
      type: 'string',
      description:
        'accepted, warning-acknowledged, queued, delivery-attempt-failed, delivered, failed, acknowledged, rejected, misrouted, misroute-reported, rerouted, purged, client-created, mailbox-…',
    },
    letterId: { type: ['string', 'null'], format: 'uuid' },
    sorId: { type: ['string', 'null'] },
    details: {
      type: 'object',
      description: 'Metadata only; strings that look like a CPR number are shown as DDMMYY-xxxx.',
    },
    detailsMasked: {
      const: true,
      description: 'Present when a CPR was masked in `details`: the event then no longer hashes to `hash`.',
    },
    prevHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    hash: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      description:
        'SHA-256 of prevHash followed by the canonical JSON (sorted keys) of seq, at, actorId, actorName, action, letterId, sorId, details.',
    },
  },
} as const;
export type PresentedAuditEvent = FromSchema<typeof auditEventSchema>;
