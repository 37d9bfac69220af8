import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { importDirectory } from '../directory/directory-import.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertCsrfToken, contextOf } from './console-context-api.ts';
import { importFormOf, readImportUpload } from './import-form.ts';
import { requireSession } from './console-session-api.ts';
import { renderImportPage } from './import-page.ts';
import { codeText } from './texts.ts';

/**
 * The directory import for administrators: every posted file is first run as a dry run (all the
 * work, then rolled back), and only the Apply button of that preview writes.
 */
export function importPageRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const admin = [requireSession, requireRole('admin')];

  router.get('/directory/import', ...admin, (req, res) => {
    res.type('html').send(renderImportPage(contextOf(req), { csv: '', deactivateMissing: false }));
  });

  router.post('/directory/import', ...admin, async (req, res) => {
    const context = contextOf(req);
    let form = importFormOf((req.body ?? {}) as Record<string, unknown>);
    try {
      if (req.is('multipart/form-data'))
        form = await readImportUpload(req, (name, value) => assertCsrfToken(req, name === '_csrf' ? value : undefined));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.code === 'csrf-invalid' || error.status >= 500) throw error;
      return res
        .status(error.status)
        .type('html')
        .send(
          renderImportPage(context, {
            csv: '',
            deactivateMissing: false,
            problem: codeText(context.t, error.code) ?? error.detail ?? error.title,
          }),
        );
    }
    const { csv, apply, deactivateMissing } = form;
    try {
      const report = await importDirectory(db, csv, actorOf(currentClient(req)), {
        endpoints: config.endpoints,
        dryRun: !apply,
        deactivateMissing,
        source: 'api',
      });
      res.type('html').send(renderImportPage(context, { csv, deactivateMissing, report }));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500) throw error;
      res
        .status(error.status)
        .type('html')
        .send(
          renderImportPage(context, {
            csv,
            deactivateMissing,
            problem: codeText(context.t, error.code) ?? error.detail ?? error.title,
          }),
        );
    }
  });

  return router;
}
