import { Router, type Request, type RequestHandler, type Response } from 'express';
import { forwardSchema, replySchema, type Forward, type Reply } from '../../schemas/letter-followup.ts';
import type { LetterAccepted } from '../../schemas/letter-responses.ts';
import type { AppDeps } from '../app-deps.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { idempotencyKey } from '../http/idempotency-key.ts';
import { discardRest } from '../http/request-drain.ts';
import { maxAttachments } from '../../schemas/letter.ts';
import { readJsonLetter } from './json-letter-stream.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { carriedAttachments, followedLetter, submitFollowUp, type FollowUpKind } from './follow-ups.ts';
import { threadOf } from './threads.ts';
import { recordAccess } from '../audit/access-log.ts';
import { readerOf } from '../http/reader.ts';

const validReply = compile<Reply>(replySchema);
const validForward = compile<Forward>(forwardSchema);

/**
 * `uploads` takes one of the slots all arriving letters share (http/upload-slots.ts); `budget`
 * admits a body into the memory all letter bodies with base64 share (http/body-budget.ts).
 */
export function followUpRoutes(deps: AppDeps, uploads: RequestHandler, budget: RequestHandler): Router {
  const router = Router();
  const { config } = deps;
  const jsonLimit = Math.ceil((config.limits.maxLetterBytes * 4) / 3) + 1024 * 1024;

  /**
   * The earlier letter is found first, so the follow-up's own attachments can be sealed to their
   * places after the ones it carries while the body streams, as a letter's are (json-letter-stream.ts).
   */
  const followUp = (kind: FollowUpKind) => async (req: Request, res: Response) => {
    // By the header alone: `req.is` says "no body" for an empty one, which the reader refuses as such.
    if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      discardRest(req, jsonLimit);
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Send application/json.');
    }
    const client = currentClient(req);
    let previous;
    let carried;
    try {
      previous = await followedLetter(deps, client, String(req.params.id), kind);
      carried = await carriedAttachments(deps, previous, kind);
    } catch (error) {
      discardRest(req, jsonLimit);
      throw error;
    }
    const { letter, attachments } = await readJsonLetter(
      req,
      { vault: deps.vault, limits: { ...config.limits, maxCount: maxAttachments, spoolMemory: deps.spoolMemory } },
      jsonLimit,
      { positionOffset: carried.length },
    );
    let accepted;
    try {
      const parsed = kind === 'reply-message' ? assertValid(validReply, letter) : assertValid(validForward, letter);
      accepted = await submitFollowUp(deps, client, previous, kind, parsed, attachments, idempotencyKey(req));
    } finally {
      await attachments.release();
    }
    const { replayed, ...answer } = accepted;
    if (!replayed) {
      deps.metrics.lettersAccepted.inc({ sector: accepted.recipient.sector });
      deps.onLetterStored?.();
      req.log.info({ letterId: accepted.id, kind }, 'follow-up letter accepted');
    }
    const response: LetterAccepted = { ...answer, statusUrl: `/v1/messages/${accepted.id}` };
    res.status(202).location(`/v1/messages/${accepted.id}`).json(response);
  };

  router.post('/v1/messages/:id/reply', requireRole('sender'), uploads, budget, followUp('reply-message'));
  router.post('/v1/messages/:id/forward', requireRole('sender'), uploads, budget, followUp('forward-message'));
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
