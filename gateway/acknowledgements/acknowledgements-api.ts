import { Router } from 'express';
import { acknowledgementSchema, type Acknowledgement } from '../../schemas/acknowledgement.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { acknowledgeLetter } from './acknowledge-letter.ts';

const validAcknowledgement = compile<Acknowledgement>(acknowledgementSchema);

export function acknowledgementRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.post('/v1/acknowledgements', requireRole('adapter', 'admin'), smallJsonBody, async (req, res) => {
    const ack = assertValid(validAcknowledgement, req.body);
    const outcome = await acknowledgeLetter(db, actorOf(currentClient(req)), ack);
    res.status(200).json({ messageId: ack.messageId, status: outcome.status });
  });
  return router;
}
