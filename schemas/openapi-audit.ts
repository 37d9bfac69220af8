import {
  auditEventsQuerySchema,
  auditEventsSearchSchema,
  auditVerifyQuerySchema,
  auditVerifyResultSchema,
  misrouteReportQuerySchema,
} from './audit.ts';
import { accessEventsAnswerSchema, accessEventsSearchSchema } from './access-events.ts';

/**
 * The auditors' paths of the OpenAPI document (schemas/openapi.ts spreads them in). Query
 * parameters are derived from the query schemas that the routes validate against.
 */

const problem = { $ref: '#/components/responses/Problem' };

function queryParameters(schema: { properties: Record<string, object> }, required: string[] = []) {
  return Object.entries(schema.properties).map(([name, parameter]) => ({
    name,
    in: 'query',
    ...(required.includes(name) ? { required: true } : {}),
    schema: parameter,
  }));
}

function auditOperation(summary: string, description: string, roles: string[], parameters: object[], ok: object) {
  return { summary, description, 'x-roles': roles, parameters, responses: { '200': ok, default: problem } };
}

const eventsPage = {
  description: '`{ cpr?, order, events, nextCursor }`',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          cpr: { type: 'string', description: 'The CPR searched for, masked as DDMMYY-xxxx' },
          order: { type: 'string', enum: ['asc', 'desc'] },
          events: { type: 'array', items: { $ref: '#/components/schemas/AuditEvent' } },
          nextCursor: { type: ['string', 'null'] },
        },
      },
    },
  },
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const timesNote = 'Times are RFC 3339 date-times or dates (00:00 UTC); `from` is inclusive, `to` exclusive.';

export const auditPaths = {
  '/v1/audit/events': {
    get: {
      ...auditOperation(
        'Search the audit trail (discouraged with `cpr`: use POST /v1/audit/events/search)',
        `Filters combine with AND. \`cpr\` (DDMMYY-XXXX or ten digits) is matched by keyed hash and echoed masked; in a query string ` +
          `it may be kept by proxies' and servers' access logs, so send it in the body of \`POST /v1/audit/events/search\` instead. ${timesNote} ` +
          'Newest first unless `order=asc`; at most `limit` (default 100, at most 1000) events a page; pass `nextCursor` as `cursor` for the next.',
        ['auditor'],
        queryParameters(auditEventsQuerySchema).map((parameter) =>
          parameter.name === 'cpr'
            ? {
                ...parameter,
                deprecated: true,
                description: 'Discouraged: a URL may be logged. Use POST /v1/audit/events/search.',
              }
            : parameter,
        ),
        eventsPage,
      ),
    },
  },
  '/v1/audit/events/search': {
    post: {
      ...auditOperation(
        'Search the audit trail, the filters in a JSON body',
        `The filters of \`GET /v1/audit/events\`, as strings in a JSON object; the way to search by \`cpr\`, which then never appears in a URL. ${timesNote}`,
        ['auditor'],
        [],
        eventsPage,
      ),
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: auditEventsSearchSchema,
            example: { cpr: '2509479989', from: '2026-01-01', order: 'asc' },
          },
        },
      },
    },
  },
  '/v1/audit/events.csv': {
    get: auditOperation(
      'The audit trail as CSV for a spreadsheet',
      'The same filters as `/v1/audit/events`; every matching event (from `cursor` on, if given), streamed. UTF-8 with byte order mark; ' +
        'cells starting with = + - @ are prefixed with an apostrophe so they never run as formulas.',
      ['auditor'],
      queryParameters(auditEventsQuerySchema),
      {
        description: 'seq,at,actorId,actorName,action,letterId,sorId,details,prevHash,hash',
        content: { 'text/csv; charset=utf-8': { schema: { type: 'string' } } },
      },
    ),
  },
  '/v1/audit/letters/{id}/trace': {
    get: auditOperation(
      "One letter's whole story",
      'The letter (who submitted it for which sender to which recipient, status, purge time), its events in order, the delivery attempts ' +
        '(attempt, outcome, failure: receiver-unreachable | receiver-refused | receiver-error | timeout, httpStatus, durationMs; never the endpoint or the network error), misroute reports, and the letters it was rerouted from or to with their own stories. ' +
        'Never the letter text, attachments or XML.',
      ['auditor'],
      [idParam],
      { description: '`{ letter, events, deliveryAttempts, misroutes, reroutes: { from, to[] } }`' },
    ),
  },
  '/v1/audit/misroutes': {
    get: auditOperation(
      'Where misroutes come from',
      `Misrouted letters grouped by recipient (default), sender or senderRecipientPair, with the letters behind each count; for each misrouted ` +
        `recipient the active mailboxes whose names the guards find confusable with it, and how many letters were meant for each. ${timesNote}`,
      ['auditor', 'admin'],
      queryParameters(misrouteReportQuerySchema),
      { description: '`{ groupBy, from, to, misroutedLetters, groups, recipients }`' },
    ),
  },
  '/v1/audit/access-events/search': {
    post: {
      summary: 'Who looked at a patient or a letter',
      description:
        'Every read of patient data (letter status, XML, events, thread, acknowledgement; audit search by CPR, CSV export, trace; console ' +
        'pages) is recorded before it is answered; a read that cannot be recorded is refused with 503. `cpr` is matched by keyed hash, ' +
        'against reads that named it and reads of letters about that patient; it goes in the body so no URL holds it. ' +
        '`from` is inclusive, `to` exclusive. Newest first, at most 1000. The search itself is recorded too.',
      'x-roles': ['auditor'] as string[],
      requestBody: { required: true, content: { 'application/json': { schema: accessEventsSearchSchema } } },
      responses: {
        '200': { description: 'The reads', content: { 'application/json': { schema: accessEventsAnswerSchema } } },
        default: problem,
      },
    },
  },
  '/v1/audit/verify': {
    get: auditOperation(
      'Recompute the hash chain',
      '`from`/`to` are sequence numbers (both inclusive) or times (`to` exclusive). Reports the first sequence number where an event is ' +
        'missing, edited or out of order. Keep `lastSeq`/`lastHash` outside Postbud to detect a trail cut short at its end. Also `postbud audit verify`.',
      ['auditor'],
      queryParameters(auditVerifyQuerySchema),
      { description: 'The result', content: { 'application/json': { schema: auditVerifyResultSchema } } },
    ),
  },
} as const;
