import { Router, type Request } from 'express';
import { mailboxDeactivateSchema, type MailboxDeactivate } from '../../schemas/directory.ts';
import {
  mailboxCreateSchema,
  mailboxPatchSchema,
  type MailboxCreate,
  type MailboxPatch,
} from '../../schemas/mailbox.ts';
import { deactivateMailbox } from '../../routing/deactivation.ts';
import {
  DirectoryError,
  getMailbox,
  insertMailbox,
  mailboxPath,
  updateMailbox,
  type Mailbox,
} from '../../routing/directory.ts';
import { mailboxHistory } from '../../routing/mailbox-history.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf, appendAuditEvents } from '../audit/audit-trail.ts';
import { clientNames } from '../clients/client-store.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { inTransaction, type Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { directoryImportRoutes } from './directory-import-api.ts';
import { directorySearchRoutes } from './directory-search-api.ts';

const validMailbox = compile<MailboxCreate>(mailboxCreateSchema);
const validPatch = compile<MailboxPatch>(mailboxPatchSchema);
const validDeactivate = compile<MailboxDeactivate>(mailboxDeactivateSchema);

const directoryStatus: Record<DirectoryError['code'], number> = {
  'mailbox-exists': 409,
  'mailbox-not-found': 404,
  'version-conflict': 412,
  'sor-id-invalid': 422,
  'ean-invalid': 422,
  'parent-unknown': 422,
  'parent-cycle': 422,
  'successor-invalid': 422,
};

/** The directory's refusals as problem+json, keeping routing's stable codes. */
export function directoryProblem(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  return new ProblemError(directoryStatus[error.code], error.code, error.message, undefined, error.details);
}

/**
 * The version an admin last read, from `If-Match: "<version>"` (the ETag every answer carries).
 * Without it two admins editing one mailbox would silently overwrite each other, so a PATCH
 * needs it (428); an ETag that is not the current one is a conflict (412).
 */
function ifMatchVersion(req: Request, required: boolean): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '*') {
    if (!required) return undefined;
    throw new ProblemError(
      428,
      'precondition-required',
      'If-Match required',
      'Send the ETag of the mailbox as you read it (e.g. If-Match: "3"), so that no one else\'s change is overwritten.',
    );
  }
  const match = /^\s*"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new ProblemError(
      412,
      'version-conflict',
      'Precondition failed',
      'If-Match must be one ETag as the directory sends it, e.g. "3".',
    );
  }
  return Number(match[1]);
}

function sorIdOf(req: Request): string {
  const sorId = req.params.sorId;
  if (typeof sorId !== 'string') throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found');
  return sorId;
}

const unversioned = new Set(['version', 'createdAt', 'updatedAt']);

/** The fields a change touched, each with its value before and after, for the audit trail. */
function changedFields(before: Mailbox, after: Mailbox): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, value] of Object.entries(after)) {
    const old = (before as Record<string, unknown>)[field];
    if (!unversioned.has(field) && JSON.stringify(old) !== JSON.stringify(value))
      changes[field] = { before: old, after: value };
  }
  return changes;
}

async function withPath(q: Queryable, mailbox: Mailbox) {
  return { ...mailbox, path: await mailboxPath(q, mailbox.sorId) };
}

const rethrow = (error: unknown) => {
  throw directoryProblem(error);
};

export function directoryRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();
  router.use(directorySearchRoutes(deps));
  router.use(directoryImportRoutes(deps));

  router.post('/v1/directory/mailboxes', requireRole('admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validMailbox, req.body);
    const actor = actorOf(currentClient(req));
    const mailbox = await inTransaction(db, async (tx) => {
      const created = await insertMailbox(tx, body, actor.id);
      await appendAuditEvents(tx, actor, [
        { action: 'mailbox-created', sorId: created.sorId, details: { after: created } },
      ]);
      return created;
    }).catch(rethrow);
    res
      .status(201)
      .location(`/v1/directory/mailboxes/${mailbox.sorId}`)
      .setHeader('ETag', `"${mailbox.version}"`)
      .json(mailbox);
  });

  router.get('/v1/directory/mailboxes/:sorId', async (req, res) => {
    const mailbox = await getMailbox(db, req.params.sorId);
    if (!mailbox)
      throw new ProblemError(
        404,
        'mailbox-not-found',
        'Mailbox not found',
        `No mailbox with SOR id ${req.params.sorId.slice(0, 20)}.`,
      );
    res.setHeader('ETag', `"${mailbox.version}"`).json(await withPath(db, mailbox));
  });

  router.patch('/v1/directory/mailboxes/:sorId', requireRole('admin'), smallJsonBody, async (req, res) => {
    const expectedVersion = ifMatchVersion(req, true)!;
    const body = assertValid(validPatch, req.body);
    const actor = actorOf(currentClient(req));
    const sorId = sorIdOf(req);
    const updated = await inTransaction(db, async (tx) => {
      // Read before the update's row lock: a change in between bumps the version, and the
      // update then refuses, so `before` is the version the admin edited.
      const before = await getMailbox(tx, sorId);
      const after = await updateMailbox(tx, sorId, body, expectedVersion, actor.id);
      const closed = before?.active === true && !after.active;
      await appendAuditEvents(tx, actor, [
        {
          action: closed ? 'mailbox-deactivated' : 'mailbox-updated',
          sorId,
          details: { version: after.version, changes: before ? changedFields(before, after) : {} },
        },
      ]);
      return withPath(tx, after);
    }).catch(rethrow);
    res.setHeader('ETag', `"${updated.version}"`).json(updated);
  });

  router.post('/v1/directory/mailboxes/:sorId/deactivate', requireRole('admin'), smallJsonBody, async (req, res) => {
    const expectedVersion = ifMatchVersion(req, false);
    const body = assertValid(validDeactivate, req.body ?? {});
    const actor = actorOf(currentClient(req));
    const sorId = sorIdOf(req);
    const outcome = await inTransaction(db, async (tx) => {
      const { before, after, scheduled } = await deactivateMailbox(tx, sorId, body, expectedVersion, actor.id);
      // Closing an already closed mailbox the same way changes nothing and records nothing.
      if (after.version !== before.version) {
        await appendAuditEvents(tx, actor, [
          {
            action: 'mailbox-deactivated',
            sorId,
            details: {
              version: after.version,
              scheduled,
              validTo: after.validTo,
              successorSorId: after.successorSorId,
              changes: changedFields(before, after),
            },
          },
        ]);
      }
      return { mailbox: await withPath(tx, after), scheduled };
    }).catch(rethrow);
    res.setHeader('ETag', `"${outcome.mailbox.version}"`).json({ ...outcome.mailbox, scheduled: outcome.scheduled });
  });

  router.get('/v1/directory/mailboxes/:sorId/history', async (req, res) => {
    const sorId = sorIdOf(req);
    if (!(await getMailbox(db, sorId))) {
      throw new ProblemError(
        404,
        'mailbox-not-found',
        'Mailbox not found',
        `No mailbox with SOR id ${sorId.slice(0, 20)}.`,
      );
    }
    const entries = await mailboxHistory(db, sorId);
    const names = await clientNames(db, [
      ...new Set(entries.map((entry) => entry.changedBy.id).filter((id): id is string => id !== null)),
    ]);
    res.json({
      sorId,
      items: entries.map((entry) => ({
        ...entry,
        changedBy: {
          id: entry.changedBy.id,
          name: (entry.changedBy.id && names.get(entry.changedBy.id)) || entry.changedBy.name,
        },
      })),
    });
  });
  return router;
}
