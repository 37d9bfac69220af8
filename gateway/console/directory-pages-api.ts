import { Router, type Request } from 'express';
import { getMailbox, mailboxAncestry } from '../../routing/directory.ts';
import { searchMailboxes } from '../../routing/search.ts';
import { mailboxDeactivateSchema, type MailboxDeactivate } from '../../schemas/directory.ts';
import { sectors, type Sector } from '../../schemas/categories.ts';
import { mailboxPatchSchema, type MailboxPatch } from '../../schemas/mailbox.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { closeMailbox, mailboxChanges, patchMailbox } from '../directory/mailbox-admin.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { ProblemError } from '../platform/problem.ts';
import { compile } from '../platform/validation.ts';
import { contextOf, formText } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { renderDirectoryPage } from './directory-page.ts';
import { renderMailboxEditPage, type MailboxEditView } from './mailbox-edit-page.ts';
import { editableFields, formOf, patchFromForm, readMailboxForm, type EditableField } from './mailbox-form.ts';
import { mailboxOverview } from './mailbox-overview.ts';
import { renderMailboxPage } from './mailbox-page.ts';
import { codeText, type Texts } from './texts.ts';

const validPatch = compile<MailboxPatch>(mailboxPatchSchema);
const validDeactivate = compile<MailboxDeactivate>(mailboxDeactivateSchema);
const pageSize = 20;

const queryText = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');

function sorIdOf(req: Request): string {
  const sorId = req.params.sorId;
  if (typeof sorId !== 'string' || !/^[0-9]{1,20}$/.test(sorId)) {
    throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found');
  }
  return sorId;
}

function versionOf(req: Request): number {
  const version = formText(req, 'version');
  if (!/^\d{1,9}$/.test(version)) throw new ProblemError(400, 'bad-request', 'Bad request');
  return Number(version);
}

/** A directory refusal in the page's words where there are any, else the domain's own. */
function plainProblem(t: Texts, problem: ProblemError): string {
  return codeText(t, problem.code) ?? problem.detail ?? problem.title;
}

const notices = (t: Texts): Record<string, string> => ({
  saved: t.saved,
  unchanged: t.nothingChanged,
  deactivated: t.deactivated,
});

/** The directory administrators' pages: search, a mailbox, its edit form and deactivation. */
export function directoryPageRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/directory', requireSession, async (req, res) => {
    const q = queryText(req, 'q').trim().slice(0, 200);
    const sectorText = queryText(req, 'sector');
    const sector = sectors.includes(sectorText as Sector) ? (sectorText as Sector) : undefined;
    const page = Math.min(Math.max(Number.parseInt(queryText(req, 'page'), 10) || 1, 1), 10000 / pageSize);
    const { items, total } = await searchMailboxes(db, {
      ...(q ? { q } : {}),
      ...(sector ? { sector } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    res
      .type('html')
      .send(renderDirectoryPage(contextOf(req), { q, sector: sector ?? '', hits: items, total, page, pageSize }));
  });

  router.get('/mailboxes/:sorId', requireSession, async (req, res) => {
    const context = contextOf(req);
    const overview = await mailboxOverview(db, sorIdOf(req));
    const done = queryText(req, 'done');
    const notice =
      done === 'scheduled' && overview.mailbox.validTo
        ? context.t.deactivationScheduled(overview.mailbox.validTo)
        : notices(context.t)[done];
    res.type('html').send(renderMailboxPage(context, { overview, ...(notice ? { notice } : {}) }));
  });

  router.get('/mailboxes/:sorId/edit', requireSession, requireRole('admin'), async (req, res) => {
    const sorId = sorIdOf(req);
    const mailbox = await getMailbox(db, sorId);
    if (!mailbox) throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found');
    const view = {
      mailbox,
      ancestry: await mailboxAncestry(db, sorId),
      form: formOf(mailbox),
      version: mailbox.version,
    };
    res.type('html').send(renderMailboxEditPage(contextOf(req), view));
  });

  router.post('/mailboxes/:sorId/edit', requireSession, requireRole('admin'), async (req, res) => {
    const context = contextOf(req);
    const sorId = sorIdOf(req);
    const version = versionOf(req);
    const form = readMailboxForm((name) => formText(req, name));
    const current = await getMailbox(db, sorId);
    if (!current) throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found');
    const view: MailboxEditView = { mailbox: current, ancestry: await mailboxAncestry(db, sorId), form, version };

    /** Someone saved in between: nothing is stored, and the admin sees both versions. */
    const conflict = async (latest = current) => {
      const history = await mailboxChanges(db, sorId);
      const changes = history.items.filter((entry) => entry.version > version);
      const conflictView = {
        ...view,
        mailbox: latest,
        version: latest.version,
        conflict: { current: formOf(latest), yourVersion: version, changes },
      };
      res.status(409).type('html').send(renderMailboxEditPage(context, conflictView));
    };
    if (version !== current.version) return conflict();

    const patch = patchFromForm(form, current);
    if (Object.keys(patch).length === 0) return res.redirect(303, `/console/mailboxes/${sorId}?done=unchanged`);
    if (!validPatch(patch)) {
      const fieldErrors: Partial<Record<EditableField, string>> = {};
      for (const error of validPatch.errors ?? []) {
        const field = error.instancePath.split('/')[1] as EditableField;
        if (editableFields.includes(field)) fieldErrors[field] ??= context.t.fieldInvalid(error.message ?? '');
      }
      return res
        .status(422)
        .type('html')
        .send(renderMailboxEditPage(context, { ...view, fieldErrors }));
    }
    try {
      await patchMailbox(db, actorOf(currentClient(req)), sorId, patch, version);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500) throw error;
      if (error.code === 'version-conflict') return conflict((await getMailbox(db, sorId)) ?? current);
      const formError = plainProblem(context.t, error);
      return res
        .status(error.status)
        .type('html')
        .send(renderMailboxEditPage(context, { ...view, formError }));
    }
    res.redirect(303, `/console/mailboxes/${sorId}?done=saved`);
  });

  router.post('/mailboxes/:sorId/deactivate', requireSession, requireRole('admin'), async (req, res) => {
    const context = contextOf(req);
    const sorId = sorIdOf(req);
    const version = versionOf(req);
    const body: Record<string, string> = {};
    for (const field of ['successorSorId', 'validTo'] as const)
      if (formText(req, field)) body[field] = formText(req, field);
    const refuse = async (status: number, deactivateProblem: string) => {
      const overview = await mailboxOverview(db, sorId);
      res.status(status).type('html').send(renderMailboxPage(context, { overview, deactivateProblem }));
    };
    if (!validDeactivate(body)) return refuse(422, context.t.errorInvalid);
    try {
      const { scheduled } = await closeMailbox(db, actorOf(currentClient(req)), sorId, body, version);
      res.redirect(303, `/console/mailboxes/${sorId}?done=${scheduled ? 'scheduled' : 'deactivated'}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500 || error.code === 'mailbox-not-found') throw error;
      return refuse(error.code === 'version-conflict' ? 409 : error.status, plainProblem(context.t, error));
    }
  });
  return router;
}
