import type { MailboxDeactivate } from '../../schemas/directory.ts';
import type { Mailbox, MailboxCreate, MailboxPatch } from '../../schemas/mailbox.ts';
import { deactivateMailbox } from '../../routing/deactivation.ts';
import { DirectoryError, getMailbox, insertMailbox, mailboxPath, updateMailbox } from '../../routing/directory.ts';
import { mailboxHistory } from '../../routing/mailbox-history.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { clientNames } from '../clients/client-store.ts';
import { inTransaction, type Db, type Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/** The administrators' changes to the directory, each audited with what changed. */

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
function directoryProblem(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  return new ProblemError(directoryStatus[error.code], error.code, error.message, undefined, error.details);
}

const rethrow = (error: unknown) => {
  throw directoryProblem(error);
};

const unversioned = new Set(['version', 'createdAt', 'updatedAt']);

/** The fields a change touched, each with its value before and after, for the audit trail. */
export function changedFields(before: Mailbox, after: Mailbox): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, value] of Object.entries(after)) {
    const old = (before as Record<string, unknown>)[field];
    if (!unversioned.has(field) && JSON.stringify(old) !== JSON.stringify(value))
      changes[field] = { before: old, after: value };
  }
  return changes;
}

export type MailboxWithPath = Mailbox & { path: Awaited<ReturnType<typeof mailboxPath>> };

async function withPath(q: Queryable, mailbox: Mailbox): Promise<MailboxWithPath> {
  return { ...mailbox, path: await mailboxPath(q, mailbox.sorId) };
}

function mailboxNotFound(sorId: string): ProblemError {
  return new ProblemError(
    404,
    'mailbox-not-found',
    'Mailbox not found',
    `No mailbox with SOR id ${sorId.slice(0, 20)}.`,
  );
}

/** A mailbox valid until before it becomes valid would never receive: refused, nothing stored. */
function assertValidityPossible(mailbox: { validFrom?: string | null; validTo?: string | null }): void {
  if (mailbox.validFrom && mailbox.validTo && mailbox.validTo < mailbox.validFrom)
    throw new ProblemError(422, 'validity-impossible', 'Impossible validity period', 'validTo is before validFrom.');
}

export async function createMailbox(db: Db, actor: Actor, body: MailboxCreate): Promise<Mailbox> {
  assertValidityPossible(body);
  return inTransaction(db, async (tx) => {
    const created = await insertMailbox(tx, body, actor.id);
    await appendAuditEvents(tx, actor, [
      { action: 'mailbox-created', sorId: created.sorId, details: { after: created } },
    ]);
    return created;
  }).catch(rethrow);
}

export async function mailboxWithPath(q: Queryable, sorId: string): Promise<MailboxWithPath> {
  const mailbox = await getMailbox(q, sorId);
  if (!mailbox) throw mailboxNotFound(sorId);
  return withPath(q, mailbox);
}

/** A change to the version the admin read (`expectedVersion`); a newer one is a conflict. */
export async function patchMailbox(
  db: Db,
  actor: Actor,
  sorId: string,
  body: MailboxPatch,
  expectedVersion: number,
): Promise<MailboxWithPath> {
  return inTransaction(db, async (tx) => {
    // Read before the update's row lock: a change in between bumps the version, and the
    // update then refuses, so `before` is the version the admin edited.
    const before = await getMailbox(tx, sorId);
    const after = await updateMailbox(tx, sorId, body, expectedVersion, actor.id);
    // Checked on the result, so a change of one end against the stored other end counts too; the throw rolls it back.
    assertValidityPossible(after);
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
}

/** Closes a mailbox now or from a date, naming its successor; closing it again the same way records nothing. */
export async function closeMailbox(
  db: Db,
  actor: Actor,
  sorId: string,
  body: MailboxDeactivate,
  expectedVersion: number | undefined,
): Promise<{ mailbox: MailboxWithPath; scheduled: boolean }> {
  return inTransaction(db, async (tx) => {
    const { before, after, scheduled } = await deactivateMailbox(tx, sorId, body, expectedVersion, actor.id);
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
}

/** A mailbox's changes, each with the name of the client who made it. */
export async function mailboxChanges(q: Queryable, sorId: string) {
  if (!(await getMailbox(q, sorId))) throw mailboxNotFound(sorId);
  const entries = await mailboxHistory(q, sorId);
  const names = await clientNames(q, [
    ...new Set(entries.map((entry) => entry.changedBy.id).filter((id): id is string => id !== null)),
  ]);
  return {
    sorId,
    items: entries.map((entry) => ({
      ...entry,
      changedBy: {
        id: entry.changedBy.id,
        name: (entry.changedBy.id && names.get(entry.changedBy.id)) || entry.changedBy.name,
      },
    })),
  };
}
