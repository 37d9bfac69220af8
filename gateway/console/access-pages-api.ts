import { Router, type Request } from 'express';
import { accessEventsSearchSchema, type AccessEventsSearch } from '../../schemas/access-events.ts';
import type { AppDeps } from '../app-deps.ts';
import { recordAccess, searchAccessEvents } from '../audit/access-log.ts';
import { requireRole } from '../http/auth.ts';
import { readerOf } from '../http/reader.ts';
import { maskCprsInText } from '../audit/audit-redaction.ts';
import { ProblemError } from '../platform/problem.ts';
import { compile } from '../platform/validation.ts';
import { renderAccessPage, type AccessSearchForm } from './access-page.ts';
import { contextOf, formText } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import type { Texts } from './texts.ts';

const validSearch = compile<AccessEventsSearch>(accessEventsSearchSchema);

function formOf(req: Request): AccessSearchForm {
  return { letterId: formText(req, 'letterId'), from: formText(req, 'from'), to: formText(req, 'to') };
}

/** The form as the API's search: a day from the date fields is its start (UTC), as on the audit page. */
function searchOf(req: Request, t: Texts): AccessEventsSearch {
  const form = formOf(req);
  const cpr = formText(req, 'cpr');
  const search: Record<string, string> = {};
  if (cpr) search.cpr = cpr;
  if (form.letterId) search.letterId = form.letterId;
  if (form.from) search.from = `${form.from}T00:00:00Z`;
  if (form.to) search.to = `${form.to}T00:00:00Z`;
  if (!validSearch(search)) {
    const fieldName = validSearch.errors?.[0]?.instancePath.slice(1) ?? '';
    const labels: Record<string, string> = {
      cpr: t.field_cpr,
      letterId: t.field_letterId,
      from: t.field_from,
      to: t.field_to,
    };
    // The refusal names the field, never its value (it may be a CPR).
    throw new ProblemError(422, 'query-invalid', t.fieldInvalid(labels[fieldName] ?? fieldName));
  }
  return search;
}

/** "Who looked at a patient": a POST, so the CPR travels in the body and never in a URL. */
export function accessPageRoutes({ db, vault, log }: AppDeps): Router {
  const router = Router();
  const auditor = [requireSession, requireRole('auditor')];

  router.get('/access', ...auditor, (req, res) => {
    res.type('html').send(renderAccessPage(contextOf(req), { form: formOf(req) }));
  });

  router.post('/access', ...auditor, async (req, res) => {
    const context = contextOf(req);
    let search: AccessEventsSearch;
    let answer;
    try {
      search = searchOf(req, context.t);
      answer = await searchAccessEvents(db, vault, search);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const problem = error.code === 'cpr-invalid' ? context.t.fieldInvalid(context.t.field_cpr) : error.title;
      return res
        .status(422)
        .type('html')
        .send(renderAccessPage(context, { form: formOf(req), problem }));
    }
    // Asking who looked is itself a look at the patient, as in the API.
    await recordAccess({ db, log }, readerOf(req), [
      {
        action: 'audit.access-log',
        ...(search.cpr ? { cprHmac: vault.cprHmac(search.cpr) } : {}),
        ...(search.letterId ? { letterId: search.letterId.toLowerCase() } : {}),
      },
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      renderAccessPage(context, {
        form: formOf(req),
        result: { items: answer.items, ...(search.cpr ? { maskedCpr: maskCprsInText(search.cpr) } : {}) },
      }),
    );
  });

  return router;
}
