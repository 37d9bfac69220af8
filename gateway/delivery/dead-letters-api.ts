import { Router, type Request } from 'express';
import { sectors, type Sector } from '../../schemas/categories.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf, recordAuditEvents } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { replayFailedLetter } from './dead-letter-replay.ts';
import { listDeadLetters } from './dead-letters.ts';
import { ProblemError } from '../platform/problem.ts';

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new ProblemError(400, 'query-invalid', 'Invalid query', `Give \`${name}\` once.`);
  return value;
}

function pageLimit(req: Request): number {
  const raw = queryString(req, 'limit');
  if (raw === undefined) return 50;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 200) {
    throw new ProblemError(400, 'query-invalid', 'Invalid query', '`limit` is a whole number from 1 to 200.');
  }
  return Number(raw);
}

function sectorFilter(req: Request): Sector | undefined {
  const raw = queryString(req, 'sector');
  if (raw === undefined) return undefined;
  if (!(sectors as readonly string[]).includes(raw)) {
    throw new ProblemError(400, 'query-invalid', 'Invalid query', `\`sector\` is one of ${sectors.join(', ')}.`);
  }
  return raw as Sector;
}

/** The operators' view of failed deliveries and their replay; both are audited. */
export function adminDeadLetterRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/v1/admin/dead-letters', requireRole('admin'), async (req, res) => {
    const sector = sectorFilter(req);
    const page = await listDeadLetters(db, { limit: pageLimit(req), sector, cursor: queryString(req, 'cursor') });
    // Who looked at which failed letters is itself part of the trail.
    await recordAuditEvents(db, actorOf(currentClient(req)), [
      { action: 'dead-letters-listed', details: { count: page.items.length, ...(sector ? { sector } : {}) } },
    ]);
    res.json(page);
  });

  router.post('/v1/admin/dead-letters/:letterId/replay', requireRole('admin'), async (req, res) => {
    const replay = await replayFailedLetter(deps, String(req.params.letterId), actorOf(currentClient(req)), req.log);
    res
      .status(202)
      .location(`/v1/messages/${replay.letterId}`)
      .json({
        letterId: replay.letterId,
        sector: replay.sector,
        deliveryRound: replay.deliveryRound,
        deadLetterQueue: replay.deadLetterQueue,
        statusUrl: `/v1/messages/${replay.letterId}`,
      });
  });
  return router;
}
