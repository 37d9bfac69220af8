import { Router } from 'express';
import { mailboxCreateSchema, type MailboxCreate } from '../../schemas/mailbox.ts';
import { DirectoryError, getMailbox, insertMailbox, mailboxPath } from '../../routing/directory.ts';
import type { AppDeps } from '../app.ts';
import { appendAuditEvents } from '../audit.ts';
import { actorOf, currentClient, requireRole } from '../auth.ts';
import { smallJsonBody } from '../body.ts';
import { inTransaction } from '../db.ts';
import { ProblemError } from '../problem.ts';
import { assertValid, compile } from '../validation.ts';

const validMailbox = compile<MailboxCreate>(mailboxCreateSchema);

const directoryStatus: Record<DirectoryError['code'], number> = {
  'mailbox-exists': 409,
  'mailbox-not-found': 404,
  'version-conflict': 412,
  'sor-id-invalid': 422,
  'ean-invalid': 422,
  'parent-unknown': 422,
  'parent-cycle': 422,
};

/** The directory's refusals as problem+json, keeping routing's stable codes. */
export function directoryProblem(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  return new ProblemError(directoryStatus[error.code], error.code, error.message, undefined, error.details);
}

export function directoryRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.post('/v1/directory/mailboxes', requireRole('admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validMailbox, req.body);
    const actor = actorOf(currentClient(req));
    const mailbox = await inTransaction(db, async (tx) => {
      const created = await insertMailbox(tx, body, actor.id);
      await appendAuditEvents(tx, actor, [{ action: 'mailbox-created', sorId: created.sorId, details: { after: created } }]);
      return created;
    }).catch((error: unknown) => {
      throw directoryProblem(error);
    });
    res.status(201).location(`/v1/directory/mailboxes/${mailbox.sorId}`).setHeader('ETag', `"${mailbox.version}"`).json(mailbox);
  });

  router.get('/v1/directory/mailboxes/:sorId', async (req, res) => {
    const mailbox = await getMailbox(db, req.params.sorId);
    if (!mailbox) throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found', `No mailbox with SOR id ${req.params.sorId.slice(0, 20)}.`);
    const path = await mailboxPath(db, mailbox.sorId);
    res.setHeader('ETag', `"${mailbox.version}"`).json({ ...mailbox, path });
  });
  return router;
}
