import { Router, type Request, type Response } from 'express';
import { forwardSchema, replySchema, type Forward, type Reply } from '../../schemas/letter-followup.ts';
import type { LetterAccepted } from '../../schemas/letter-responses.ts';
import type { AppDeps } from '../app-deps.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { idempotencyKey } from '../http/idempotency-key.ts';
import { letterJsonBody } from '../http/json-body.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { submitFollowUp, type FollowUpKind } from './follow-ups.ts';
import { threadOf } from './threads.ts';
import { recordAccess } from '../audit/access-log.ts';
import { readerOf } from '../http/reader.ts';

const validReply = compile<Reply>(replySchema);
const validForward = compile<Forward>(forwardSchema);

export function followUpRoutes(deps: AppDeps): Router {
  const router = Router();
  const body = letterJsonBody(Math.ceil((deps.config.limits.maxLetterBytes * 4) / 3) + 1024 * 1024);

  const followUp = (kind: FollowUpKind) => async (req: Request, res: Response) => {
    if (!req.is('application/json'))
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Send application/json.');
    const parsed = kind === 'reply-message' ? assertValid(validReply, req.body) : assertValid(validForward, req.body);
    const accepted = await submitFollowUp(
      deps,
      currentClient(req),
      String(req.params.id),
      kind,
      parsed,
      idempotencyKey(req),
    );
    const { replayed, ...answer } = accepted;
    if (!replayed) {
      deps.metrics.lettersAccepted.inc({ sector: accepted.recipient.sector });
      deps.onLetterStored?.();
      req.log.info({ letterId: accepted.id, kind }, 'follow-up letter accepted');
    }
    const response: LetterAccepted = { ...answer, statusUrl: `/v1/messages/${accepted.id}` };
    res.status(202).location(`/v1/messages/${accepted.id}`).json(response);
  };

  router.post('/v1/messages/:id/reply', requireRole('sender'), body, followUp('reply-message'));
  router.post('/v1/messages/:id/forward', requireRole('sender'), body, followUp('forward-message'));
  router.get('/v1/threads/:identifier', requireRole('sender', 'auditor', 'admin'), async (req, res) => {
    const thread = await threadOf(deps, currentClient(req), String(req.params.identifier));
    await recordAccess(
      deps,
      readerOf(req),
      thread.letters.map((letter) => ({ action: 'letter.thread', letterId: letter.id })),
    );
    res.json(thread);
  });
  return router;
}
