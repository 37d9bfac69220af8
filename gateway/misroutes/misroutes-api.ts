import { Router } from 'express';
import {
  misrouteReportSchema,
  rerouteSchema,
  type MisrouteReportBody,
  type RerouteBody,
} from '../../schemas/misroute.ts';
import type { LetterAccepted } from '../../schemas/letter-responses.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { reportMisroute } from './record-misroute.ts';
import { rerouteLetter } from './reroute.ts';

const validReport = compile<MisrouteReportBody>(misrouteReportSchema);
const validReroute = compile<RerouteBody>(rerouteSchema);

export function misrouteRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post(
    '/v1/messages/:id/misroute',
    requireRole('adapter', 'admin', 'auditor'),
    smallJsonBody,
    async (req, res) => {
      const body = assertValid(validReport, req.body ?? {});
      const { misrouteId, letterId } = await reportMisroute(deps.db, currentClient(req), String(req.params.id), {
        note: body.note,
        correctSorId: body.correctSorId,
      });
      req.log.info({ letterId, misrouteId }, 'misroute reported');
      res.status(201).json({ misrouteId, letterId, status: 'misrouted' });
    },
  );

  router.post('/v1/messages/:id/reroute', requireRole('sender', 'admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validReroute, req.body ?? {});
    const client = currentClient(req);
    const rerouted = await rerouteLetter(deps, client, actorOf(client), String(req.params.id), body);
    deps.onLetterStored?.();
    req.log.info({ letterId: rerouted.id, reroutedFrom: rerouted.reroutedFrom }, 'letter rerouted');
    const { replayed: _replayed, reroutedFrom, ...answer } = rerouted;
    const accepted: LetterAccepted = { ...answer, reroutedFrom, statusUrl: `/v1/messages/${rerouted.id}` };
    res.status(202).location(`/v1/messages/${rerouted.id}`).json(accepted);
  });
  return router;
}
