import { Router } from 'express';
import { acknowledgementSchema, type Acknowledgement } from '../../schemas/acknowledgement.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf, currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { inTransaction } from '../platform/db.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { getLetter } from '../letters/letter-store.ts';
import { recordMisroute } from '../misroutes/misroute-store.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';

const validAcknowledgement = compile<Acknowledgement>(acknowledgementSchema);
export const wrongRecipientCode = 'wrong-recipient';

export function acknowledgementRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.post('/v1/acknowledgements', requireRole('adapter', 'admin'), smallJsonBody, async (req, res) => {
    const ack = assertValid(validAcknowledgement, req.body);
    const actor = actorOf(currentClient(req));
    const to = ack.outcome === 'positive' ? 'acknowledged' : ack.code === wrongRecipientCode ? 'misrouted' : 'rejected';
    const outcome = await inTransaction(db, async (tx) => {
      const letter = await getLetter(tx, ack.messageId);
      if (!letter) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
      if (letter.status === to) return { status: letter.status };
      if (to === 'misrouted') {
        await recordMisroute(tx, letter, {
          source: 'acknowledgement',
          actor,
          note: ack.text,
          correctSorId: ack.correctSorId,
        });
        return { status: to };
      }
      const details = {
        outcome: ack.outcome,
        ...(ack.code ? { code: ack.code } : {}),
        ...(ack.text ? { text: ack.text } : {}),
      };
      const moved = await moveLetter(tx, letter.id, to, actor, details);
      if (!moved) {
        throw new ProblemError(
          409,
          'letter-state-conflict',
          'The letter cannot take this acknowledgement now',
          `The letter is ${letter.status}.`,
        );
      }
      return { status: to };
    });
    res.status(200).json({ messageId: ack.messageId, status: outcome.status });
  });
  return router;
}
