import { findConfusableMailboxes } from '../../routing/confusables.ts';
import { getMailbox, getMailboxes } from '../../routing/directory.ts';
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

/** One row per misrouted letter: a letter both reported and negatively acknowledged counts once. */
async function misroutedLetters(q: Queryable, filter: MisrouteReportFilter): Promise<MisroutedLetterRow[]> {
  const result = await q.query<MisroutedLetterRow>(
    `SELECT l.id AS letter_id, l.sender_sor_id, l.recipient_sor_id, l.status, l.created_at AS sent_at,
       min(m.reported_at) AS reported_at, array_agg(DISTINCT m.source ORDER BY m.source) AS sources,
       (array_agg(m.correct_sor_id ORDER BY m.reported_at) FILTER (WHERE m.correct_sor_id IS NOT NULL))[1] AS correct_sor_id,
       coalesce((array_agg(m.rerouted_to ORDER BY m.reported_at) FILTER (WHERE m.rerouted_to IS NOT NULL))[1],
         (SELECT r.id FROM letters r WHERE r.rerouted_from = l.id ORDER BY r.created_at LIMIT 1)) AS rerouted_to
     FROM misroutes m JOIN letters l ON l.id = m.letter_id
     WHERE ($1::timestamptz IS NULL OR m.reported_at >= $1) AND ($2::timestamptz IS NULL OR m.reported_at < $2)
     GROUP BY l.id
     ORDER BY min(m.reported_at), l.id`,
    [filter.from ?? null, filter.to ?? null],
  );
  return result.rows;
}

const groupKey = (row: MisroutedLetterRow, groupBy: MisrouteGrouping): string =>
  groupBy === 'recipient'
    ? row.recipient_sor_id
    : groupBy === 'sender'
      ? row.sender_sor_id
      : `${row.sender_sor_id}>${row.recipient_sor_id}`;

export async function misrouteReport(q: Queryable, filter: MisrouteReportFilter) {
  const rows = await misroutedLetters(q, filter);
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
