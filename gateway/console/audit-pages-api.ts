import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { auditEventsSearchSchema, type AuditEventsQuery } from '../../schemas/audit.ts';
import type { AppDeps } from '../app-deps.ts';
import { auditCsvLines, eventFilterOf, findAuditEvents, presentEvent } from '../audit/audit-query.ts';
import { sealAuditTrail } from '../audit/audit-sealer.ts';
import { parseVerifyBound, verifyAuditChain } from '../audit/audit-verify.ts';
import { recordAccess } from '../audit/access-log.ts';
import { letterTrace } from '../audit/letter-trace.ts';
import { misrouteReport } from '../audit/misroute-report.ts';
import type { Vault } from '../platform/crypto.ts';
import { requireRole } from '../http/auth.ts';
import { readerOf } from '../http/reader.ts';
import { ProblemError } from '../platform/problem.ts';
import { compile } from '../platform/validation.ts';
import { renderAuditSearchPage, type AuditSearchForm } from './audit-search-page.ts';
import { contextOf, formText } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { renderLetterTracePage } from './letter-trace-page.ts';
import { renderMisroutesPage } from './misroutes-page.ts';
import { renderVerifyPage } from './verify-page.ts';
import type { Texts } from './texts.ts';

const validSearch = compile<AuditEventsQuery>(auditEventsSearchSchema);
const pageSize = 100;

function searchFormOf(req: Request): AuditSearchForm {
  return {
    letterId: formText(req, 'letterId'),
    sorId: formText(req, 'sorId'),
    from: formText(req, 'from'),
    to: formText(req, 'to'),
  };
}

/**
 * The posted form as the API's search, validated by the same schema. A refusal names the field
 * in the page's words and never repeats a value (one may be a CPR).
 */
function searchOf(req: Request, t: Texts, vault: Vault) {
  const form = searchFormOf(req);
  const cpr = formText(req, 'cpr');
  const query: Record<string, string> = { order: 'asc' };
  for (const [name, value] of Object.entries({ ...form, cpr })) if (value) query[name] = value;
  if (!validSearch(query)) {
    const field = validSearch.errors?.[0]?.instancePath.slice(1) ?? '';
    const labels: Record<string, string> = {
      letterId: t.field_letterId,
      sorId: t.field_sorIdFilter,
      cpr: t.field_cpr,
      from: t.field_from,
      to: t.field_to,
    };
    throw new ProblemError(422, 'query-invalid', t.fieldInvalid(labels[field] ?? field));
  }
  try {
    return { form, ...eventFilterOf(query, vault) };
  } catch (error) {
    if (error instanceof ProblemError) throw new ProblemError(422, error.code, t.fieldInvalid(t.field_cpr));
    throw error;
  }
}

/** The auditors' pages: event search with CSV, a letter's timeline, the misroute report, the chain check. */
export function auditPageRoutes({ db, vault, log }: AppDeps): Router {
  const router = Router();
  const auditor = [requireSession, requireRole('auditor')];

  const recordPatientSearch = async (req: Request, filter: { cprHmac?: string; letterId?: string }) => {
    if (!filter.cprHmac && !filter.letterId) return;
    await recordAccess({ db, log }, readerOf(req), [
      {
        action: 'console.view',
        ...(filter.cprHmac ? { cprHmac: filter.cprHmac } : {}),
        ...(filter.letterId ? { letterId: filter.letterId.toLowerCase() } : {}),
      },
    ]);
  };

  router.get('/audit', ...auditor, (req, res) => {
    res.type('html').send(renderAuditSearchPage(contextOf(req), { form: searchFormOf(req) }));
  });

  // A POST, so the CPR travels in the body: never in a URL, a browser's history or a proxy's log.
  router.post('/audit', ...auditor, async (req, res) => {
    const context = contextOf(req);
    let search;
    try {
      search = searchOf(req, context.t, vault);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return res
        .status(422)
        .type('html')
        .send(renderAuditSearchPage(context, { form: searchFormOf(req), problem: error.title }));
    }
    await sealAuditTrail(db);
    const { events, nextCursor } = await findAuditEvents(db, search.filter, { ...search.page, limit: pageSize });
    // A search by patient or letter shows patient data: it is in the access log before the page leaves.
    await recordPatientSearch(req, search.filter);
    res.type('html').send(
      renderAuditSearchPage(context, {
        form: search.form,
        result: {
          events: events.map(presentEvent),
          more: nextCursor !== null,
          ...(search.maskedCpr ? { maskedCpr: search.maskedCpr } : {}),
        },
      }),
    );
  });

  router.post('/audit/events.csv', ...auditor, async (req, res) => {
    const { filter, page } = searchOf(req, contextOf(req).t, vault);
    // The download shows what the page shows: recorded the same way, before a byte leaves.
    await recordPatientSearch(req, filter);
    await sealAuditTrail(db);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
    await pipeline(Readable.from(auditCsvLines(db, filter, page)), res);
  });

  router.get('/letters/:id', ...auditor, async (req, res) => {
    await sealAuditTrail(db);
    const trace = await letterTrace(db, String(req.params.id));
    await recordAccess({ db, log }, readerOf(req), [{ action: 'console.view', letterId: trace.letter.id }]);
    res.type('html').send(renderLetterTracePage(contextOf(req), trace));
  });

  router.get('/misroutes', requireSession, requireRole('auditor', 'admin'), async (req, res) => {
    res.type('html').send(renderMisroutesPage(contextOf(req), await misrouteReport(db, { groupBy: 'recipient' })));
  });

  router.get('/verify', ...auditor, (req, res) => {
    res.type('html').send(renderVerifyPage(contextOf(req), { from: '', to: '' }));
  });

  router.post('/verify', ...auditor, async (req, res) => {
    const context = contextOf(req);
    const view = { from: formText(req, 'from'), to: formText(req, 'to') };
    let from, to;
    try {
      from = parseVerifyBound(view.from || undefined);
      to = parseVerifyBound(view.to || undefined);
    } catch {
      return res
        .status(422)
        .type('html')
        .send(renderVerifyPage(context, { ...view, problem: context.t.errorInvalid }));
    }
    await sealAuditTrail(db);
    const result = await verifyAuditChain(db, {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    res.type('html').send(renderVerifyPage(context, { ...view, result }));
  });

  return router;
}
