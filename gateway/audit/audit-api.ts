import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import type { ValidateFunction } from 'ajv';
import {
  auditEventsQuerySchema,
  auditEventsSearchSchema,
  auditVerifyQuerySchema,
  misrouteReportQuerySchema,
  type AuditEventsQuery,
  type AuditVerifyQuery,
  type MisrouteReportQuery,
} from '../../schemas/audit.ts';
import type { AppDeps } from '../app-deps.ts';
import { misrouteReport } from './misroute-report.ts';
import {
  auditCsvLines,
  eventFilterOf,
  findAuditEvents,
  parseInstant,
  presentEvent,
  type AuditEventFilter,
} from './audit-query.ts';
import { letterTrace } from './letter-trace.ts';
import { parseVerifyBound, verifyAuditChain } from './audit-verify.ts';
import { sealAuditTrail } from './audit-sealer.ts';
import { requireRole } from '../http/auth.ts';
import { readerOf } from '../http/reader.ts';
import { recordAccess, type PatientRead } from './access-log.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile, describeErrors } from '../platform/validation.ts';

const validEventsQuery = compile<AuditEventsQuery>(auditEventsQuerySchema);
const validEventsSearch = compile<AuditEventsQuery>(auditEventsSearchSchema);
const validMisrouteQuery = compile<MisrouteReportQuery>(misrouteReportQuerySchema);
const validVerifyQuery = compile<AuditVerifyQuery>(auditVerifyQuerySchema);

/** The query string, or 422 naming the wrong parameters (never their values: one may be a CPR). */
function queryOf<T>(validate: ValidateFunction<T>, req: Request): T {
  const query = { ...(req.query as Record<string, unknown>) };
  if (validate(query)) return query;
  throw new ProblemError(422, 'query-invalid', 'The query string is invalid', 'See `errors` for what to correct.', {
    errors: describeErrors(validate.errors),
  });
}

/** The auditors' read-only API: metadata of letters, never their text or XML. */
export function auditRoutes({ db, vault, log }: AppDeps): Router {
  const router = Router();
  const auditor = requireRole('auditor');
  // Answers may name patients' letters: no cache on the way may keep them.
  router.use('/v1/audit', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Every answer covers every event committed before the question: what is still unsealed is sealed first.
  const sealed = async () => {
    await sealAuditTrail(db);
  };

  const patientOf = (filter: AuditEventFilter) => ({
    ...(filter.cprHmac ? { cprHmac: filter.cprHmac } : {}),
    ...(filter.letterId ? { letterId: filter.letterId.toLowerCase() } : {}),
  });
  const record = (req: Request, read: PatientRead) => recordAccess({ db, log }, readerOf(req), [read]);

  const searchEvents = async (req: Request, query: AuditEventsQuery) => {
    const { filter, page, maskedCpr } = eventFilterOf(query, vault);
    await sealed();
    const { events, nextCursor } = await findAuditEvents(db, filter, page);
    // A search narrowed to a patient or a letter reads that patient's history.
    if (filter.cprHmac || filter.letterId)
      await record(req, { action: filter.cprHmac ? 'audit.search-by-cpr' : 'audit.search', ...patientOf(filter) });
    return {
      ...(maskedCpr ? { cpr: maskedCpr } : {}),
      order: page.order,
      events: events.map(presentEvent),
      nextCursor,
    };
  };

  // Kept for callers that have it; a CPR belongs in the body of the POST below, not in a URL.
  router.get('/v1/audit/events', auditor, async (req, res) => {
    res.json(await searchEvents(req, queryOf(validEventsQuery, req)));
  });

  router.post('/v1/audit/events/search', auditor, smallJsonBody, async (req, res) => {
    res.json(await searchEvents(req, assertValid(validEventsSearch, req.body ?? {})));
  });

  router.get('/v1/audit/events.csv', auditor, async (req, res) => {
    const { filter, page } = eventFilterOf(queryOf(validEventsQuery, req), vault);
    await sealed();
    await record(req, { action: 'audit.export', ...patientOf(filter) });
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
    await pipeline(Readable.from(auditCsvLines(db, filter, page)), res);
  });

  router.get('/v1/audit/letters/:id/trace', auditor, async (req, res) => {
    await sealed();
    const trace = await letterTrace(db, String(req.params.id));
    await record(req, { action: 'audit.trace', letterId: trace.letter.id });
    res.json(trace);
  });

  // Administrators too: they fix the directory names that the report shows to mislead senders.
  router.get('/v1/audit/misroutes', requireRole('auditor', 'admin'), async (req, res) => {
    const query = queryOf(validMisrouteQuery, req);
    res.json(
      await misrouteReport(db, {
        groupBy: query.groupBy ?? 'recipient',
        ...(query.from ? { from: parseInstant(query.from) } : {}),
        ...(query.to ? { to: parseInstant(query.to) } : {}),
      }),
    );
  });

  router.get('/v1/audit/verify', auditor, async (req, res) => {
    const query = queryOf(validVerifyQuery, req);
    const from = parseVerifyBound(query.from);
    const to = parseVerifyBound(query.to);
    await sealed();
    res.json(
      await verifyAuditChain(db, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }),
    );
  });

  return router;
}
