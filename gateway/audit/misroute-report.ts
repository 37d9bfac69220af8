import { findConfusableMailboxes } from '../../routing/confusables.ts';
import { getMailbox, getMailboxes } from '../../routing/directory.ts';
import { getLetters, lettersReroutedFrom } from '../letters/letter-store.ts';
import { misroutedLetters } from '../misroutes/misroute-store.ts';
import type { Queryable } from '../platform/db.ts';

/**
 * Where misroutes come from: misrouted letters grouped by recipient, sender or the pair, with
 * the letters behind each count, and for every misrouted recipient the active mailboxes whose
 * names the guards find confusable with it, so administrators see which names mislead senders.
 */

export type MisrouteGrouping = 'recipient' | 'sender' | 'senderRecipientPair';

export interface MisrouteReportFilter {
  from?: Date;
  to?: Date;
  groupBy: MisrouteGrouping;
}

interface MisroutedLetterRow {
  letter_id: string;
  sender_sor_id: string;
  recipient_sor_id: string;
  status: string;
  sent_at: Date;
  reported_at: Date;
  sources: string[];
  correct_sor_id: string | null;
  rerouted_to: string | null;
}

/** One row per misrouted letter: its reports (misroutes) beside what the letter itself says (letters). */
async function misroutedLetterRows(q: Queryable, filter: MisrouteReportFilter): Promise<MisroutedLetterRow[]> {
  const reported = await misroutedLetters(q, filter);
  const ids = reported.map((misroute) => misroute.letterId);
  const [letters, reroutes] = await Promise.all([getLetters(q, ids), lettersReroutedFrom(q, ids)]);
  return reported.flatMap((misroute) => {
    const letter = letters.get(misroute.letterId);
    if (!letter) return [];
    return [
      {
        letter_id: letter.id,
        sender_sor_id: letter.senderSorId,
        recipient_sor_id: letter.recipientSorId,
        status: letter.status,
        sent_at: new Date(letter.createdAt),
        reported_at: misroute.firstReportedAt,
        sources: misroute.sources,
        correct_sor_id: misroute.correctSorId,
        rerouted_to: misroute.reroutedTo ?? reroutes.get(letter.id)?.[0] ?? null,
      },
    ];
  });
}

const groupKey = (row: MisroutedLetterRow, groupBy: MisrouteGrouping): string =>
  groupBy === 'recipient'
    ? row.recipient_sor_id
    : groupBy === 'sender'
      ? row.sender_sor_id
      : `${row.sender_sor_id}>${row.recipient_sor_id}`;

export async function misrouteReport(q: Queryable, filter: MisrouteReportFilter) {
  const rows = await misroutedLetterRows(q, filter);
  const sorIds = rows.flatMap((row) => [
    row.sender_sor_id,
    row.recipient_sor_id,
    ...(row.correct_sor_id ? [row.correct_sor_id] : []),
  ]);
  const mailboxes = await getMailboxes(q, sorIds);
  const mailboxRef = (sorId: string) => {
    const mailbox = mailboxes.get(sorId);
    return { sorId, name: mailbox?.displayName ?? mailbox?.name ?? null };
  };

  const recipients = [];
  for (const sorId of [...new Set(rows.map((row) => row.recipient_sor_id))].sort()) {
    const theirs = rows.filter((row) => row.recipient_sor_id === sorId);
    const mailbox = await getMailbox(q, sorId);
    const lookAlikes = mailbox ? await findConfusableMailboxes(q, mailbox) : [];
    recipients.push({
      ...mailboxRef(sorId),
      misroutedLetters: theirs.length,
      lookAlikes: lookAlikes.map(({ mailbox: alike, similarity }) => ({
        sorId: alike.sorId,
        name: alike.name,
        similarity: Math.round(similarity * 1000) / 1000,
        // How many of these letters the receiver said were meant for the look-alike.
        intendedInstead: theirs.filter((row) => row.correct_sor_id === alike.sorId).length,
      })),
    });
  }
  const lookAlikesOf = new Map(recipients.map((recipient) => [recipient.sorId, recipient.lookAlikes]));

  const groups = new Map<string, MisroutedLetterRow[]>();
  for (const row of rows) {
    const key = groupKey(row, filter.groupBy);
    const members = groups.get(key);
    if (members) members.push(row);
    else groups.set(key, [row]);
  }
  const grouped = [...groups.values()]
    .map((letters) => {
      const first = letters[0]!;
      return {
        ...(filter.groupBy !== 'recipient' ? { sender: mailboxRef(first.sender_sor_id) } : {}),
        ...(filter.groupBy !== 'sender' ? { recipient: mailboxRef(first.recipient_sor_id) } : {}),
        count: letters.length,
        ...(filter.groupBy !== 'sender' ? { lookAlikes: lookAlikesOf.get(first.recipient_sor_id) ?? [] } : {}),
        letters: letters.map((row) => ({
          letterId: row.letter_id,
          sender: mailboxRef(row.sender_sor_id),
          recipient: mailboxRef(row.recipient_sor_id),
          status: row.status,
          sentAt: row.sent_at.toISOString(),
          reportedAt: row.reported_at.toISOString(),
          sources: row.sources,
          intended: row.correct_sor_id ? mailboxRef(row.correct_sor_id) : null,
          reroutedTo: row.rerouted_to,
        })),
      };
    })
    .sort((a, b) => b.count - a.count || a.letters[0]!.reportedAt.localeCompare(b.letters[0]!.reportedAt));

  return {
    groupBy: filter.groupBy,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    misroutedLetters: rows.length,
    groups: grouped,
    recipients,
  };
}
