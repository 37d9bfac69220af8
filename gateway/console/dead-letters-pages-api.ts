import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { actorOf, recordAuditEvents } from '../audit/audit-trail.ts';
import { replayFailedLetter } from '../delivery/dead-letter-replay.ts';
import { listDeadLetters } from '../delivery/dead-letters.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { contextOf } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { renderDeadLettersPage } from './dead-letters-page.ts';

/** Failed deliveries for administrators, with replay; listing and replay are audited as in the API. */
export function deadLetterPageRoutes(deps: AppDeps): Router {
  const router = Router();
  const admin = [requireSession, requireRole('admin')];

  router.get('/dead-letters', ...admin, async (req, res) => {
    const page = await listDeadLetters(deps.db, { limit: 200 });
    await recordAuditEvents(deps.db, actorOf(currentClient(req)), [
      { action: 'dead-letters-listed', details: { count: page.items.length } },
    ]);
    const context = contextOf(req);
    res.type('html').send(renderDeadLettersPage(context, page.items, req.query.done ? context.t.replayed : undefined));
  });

  router.post('/dead-letters/:letterId/replay', ...admin, async (req, res) => {
    await replayFailedLetter(deps, String(req.params.letterId), actorOf(currentClient(req)), req.log);
    res.redirect(303, '/console/dead-letters?done=replayed');
  });

  return router;
}
