import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { importDirectory } from '../directory/directory-import.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { ProblemError } from '../platform/problem.ts';
import { contextOf } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { renderImportPage } from './import-page.ts';

/**
 * The directory import for administrators: every posted file is first run as a dry run (all the
 * work, then rolled back), and only the Apply button of that preview writes.
 */
export function importPageRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const admin = [requireSession, requireRole('admin')];

  router.get('/directory/import', ...admin, (req, res) => {
    res.type('html').send(renderImportPage(contextOf(req), { csv: '' }));
  });

  router.post('/directory/import', ...admin, async (req, res) => {
    const context = contextOf(req);
    const body = req.body as Record<string, unknown>;
    const csv = typeof body.csv === 'string' ? body.csv : '';
    const apply = body.apply === '1';
    try {
      const report = await importDirectory(db, csv, actorOf(currentClient(req)), {
        endpoints: config.endpoints,
        dryRun: !apply,
        source: 'api',
      });
      res.type('html').send(renderImportPage(context, { csv, report }));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500) throw error;
      res
        .status(error.status)
        .type('html')
        .send(renderImportPage(context, { csv, problem: error.detail ?? error.title }));
    }
  });

  return router;
}
