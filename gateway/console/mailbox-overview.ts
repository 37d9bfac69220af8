import { findConfusableMailboxes } from '../../routing/confusables.ts';
import { effectiveEan, mailboxAncestry } from '../../routing/directory.ts';
import { mailboxStateOn } from '../../routing/validity.ts';
import { mailboxChanges, mailboxWithPath } from '../directory/mailbox-admin.ts';
import type { Db } from '../platform/db.ts';

/** Everything the mailbox page shows: the mailbox, its place in the hierarchy, its look-alikes and its history. */
export async function mailboxOverview(db: Db, sorId: string, now = new Date()) {
  const mailbox = await mailboxWithPath(db, sorId);
  const [ancestry, lookAlikes, history, deliveryEan] = await Promise.all([
    mailboxAncestry(db, sorId),
    findConfusableMailboxes(db, mailbox, { today: now }),
    mailboxChanges(db, sorId),
    effectiveEan(db, sorId),
  ]);
  return {
    mailbox,
    state: mailboxStateOn(mailbox, now),
    ancestry,
    lookAlikes: lookAlikes.map(({ mailbox: other, similarity }) => ({
      mailbox: other,
      similarity,
      state: mailboxStateOn(other, now),
    })),
    history: history.items,
    deliveryEan: deliveryEan ?? null,
  };
}

export type MailboxOverview = Awaited<ReturnType<typeof mailboxOverview>>;
