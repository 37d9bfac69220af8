import type { MailboxDeactivate } from '../schemas/directory.ts';
import type { MailboxPatch } from '../schemas/mailbox.ts';
import { DirectoryError, getMailbox, updateMailbox, type Mailbox, type Queryable } from './directory.ts';
import { copenhagenDate, mailboxStateOn } from './validity.ts';

/**
 * Taking a mailbox out of operation. Mailboxes are never deleted: letters and the audit trail
 * refer to them, and a sender who still has the old SOR id must be told where to write instead.
 */

export interface Deactivation {
  /** Undefined when the mailbox is already closed exactly as asked. */
  patch?: MailboxPatch;
  /** A last day in the future: the mailbox still receives until then. */
  scheduled: boolean;
}

/**
 * The change that closes `mailbox` on `request.validTo` (default: today, Copenhagen date), naming
 * the successor. Only a mailbox in operation can take over: pointing senders at a closed one
 * would send them in a circle.
 */
export function planDeactivation(
  mailbox: Mailbox,
  request: MailboxDeactivate,
  successor: Mailbox | undefined,
  now: Date,
): Deactivation {
  if (request.successorSorId !== undefined) {
    if (request.successorSorId === mailbox.sorId) {
      throw new DirectoryError('successor-invalid', `SOR ${mailbox.sorId} cannot be its own successor`, {
        successorSorId: request.successorSorId,
      });
    }
    if (!successor) {
      throw new DirectoryError(
        'successor-invalid',
        `The successor SOR ${request.successorSorId} is not in the directory`,
        { successorSorId: request.successorSorId },
      );
    }
    const state = mailboxStateOn(successor, now);
    if (state !== 'in-operation') {
      throw new DirectoryError(
        'successor-invalid',
        `The successor SOR ${successor.sorId} does not receive letters (${state})`,
        {
          successorSorId: successor.sorId,
          successorState: state,
        },
      );
    }
  }
  const today = copenhagenDate(now);
  const validTo = request.validTo ?? today;
  const scheduled = validTo > today;
  const wanted: MailboxPatch = {
    validTo,
    ...(scheduled ? {} : { active: false }),
    ...(request.successorSorId !== undefined ? { successorSorId: request.successorSorId } : {}),
  };
  const unchanged = (Object.keys(wanted) as Array<keyof MailboxPatch>).every(
    (field) => mailbox[field] === wanted[field],
  );
  return unchanged ? { scheduled } : { patch: wanted, scheduled };
}

export interface DeactivationResult {
  before: Mailbox;
  after: Mailbox;
  scheduled: boolean;
}

/** Closes the mailbox at `expectedVersion` (or its current version when none is given). */
export async function deactivateMailbox(
  q: Queryable,
  sorId: string,
  request: MailboxDeactivate,
  expectedVersion: number | undefined,
  actorId: string | null,
  now = new Date(),
): Promise<DeactivationResult> {
  const before = await getMailbox(q, sorId);
  if (!before) throw new DirectoryError('mailbox-not-found', `SOR ${sorId} is not in the directory`, { sorId });
  if (expectedVersion !== undefined && expectedVersion !== before.version) {
    throw new DirectoryError('version-conflict', `SOR ${sorId} was changed by someone else; reload it and try again`, {
      sorId,
      expectedVersion,
      currentVersion: before.version,
    });
  }
  const successor = request.successorSorId ? await getMailbox(q, request.successorSorId) : undefined;
  const { patch, scheduled } = planDeactivation(before, request, successor, now);
  if (!patch) return { before, after: before, scheduled };
  const after = await updateMailbox(q, sorId, patch, before.version, actorId, 'deactivate');
  return { before, after, scheduled };
}
