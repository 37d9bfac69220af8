import type { Mailbox } from '../schemas/mailbox.ts';
import {
  confusableCandidatesSql,
  confusableCandidatePool,
  rankConfusables,
  type ConfusableSearch,
} from './confusables.ts';
import { mailboxJsonSql, type Queryable } from './directory.ts';
import type { ConfusableMailbox } from './guards.ts';
import { copenhagenDate } from './validity.ts';

/** A mailbox with what the guards and the letter need of its place in the hierarchy. */
export interface PlacedMailbox extends Mailbox {
  /** Names from the top owner down to the mailbox itself (display names where set). */
  path: string[];
  /** Its own EAN, else the nearest ancestor's. */
  effectiveEan: string | null;
}

export interface RoutingFacts {
  sender?: PlacedMailbox;
  recipient?: PlacedMailbox;
  /** The recipient's successor, when it names one. */
  successor?: PlacedMailbox;
  /** The recipient's look-alikes in its sector, most similar first. */
  confusableWith: ConfusableMailbox[];
}

interface FactsRow {
  mailbox: Mailbox;
  path: string[] | null;
  effectiveEan: string | null;
  candidates: Mailbox[] | null;
}

/**
 * Everything the misroute guards read from the directory about one letter, in one round trip:
 * sender, recipient and its successor with their paths and effective EANs (kept current by the
 * `mailbox_search` triggers), and the recipient's nearest names in its sector. A letter used to
 * cost seven queries here, each one a context switch on a busy gateway.
 */
export async function loadRoutingFacts(
  q: Queryable,
  senderSorId: string,
  recipientSorId: string,
  search: ConfusableSearch = {},
): Promise<RoutingFacts> {
  const today = copenhagenDate(search.today ?? new Date());
  const result = await q.query<FactsRow>({
    name: 'routing-facts',
    text: `SELECT ${mailboxJsonSql('m')} AS mailbox, s.path, s.effective_ean AS "effectiveEan",
         CASE WHEN m.sor_id = $2 THEN (
           SELECT jsonb_agg(c.mailbox ORDER BY c.rank) FROM (${confusableCandidatesSql('m', '$3::date', '$4')}) c
         ) END AS candidates
       FROM mailboxes m LEFT JOIN mailbox_search s ON s.sor_id = m.sor_id
       WHERE m.sor_id = ANY (ARRAY[$1, $2])
          OR m.sor_id = (SELECT successor_sor_id FROM mailboxes WHERE sor_id = $2)`,
    values: [senderSorId, recipientSorId, today, confusableCandidatePool(search)],
  });
  const placed = new Map(
    result.rows.map((row) => [
      row.mailbox.sorId,
      {
        ...row.mailbox,
        path: row.path ?? [row.mailbox.displayName ?? row.mailbox.name],
        effectiveEan: row.effectiveEan,
      },
    ]),
  );
  const recipientRow = result.rows.find((row) => row.mailbox.sorId === recipientSorId);
  const recipient = placed.get(recipientSorId);
  const successor = recipient?.successorSorId ? placed.get(recipient.successorSorId) : undefined;
  const sender = placed.get(senderSorId);
  return {
    ...(sender ? { sender } : {}),
    ...(recipient ? { recipient } : {}),
    ...(successor ? { successor } : {}),
    confusableWith: recipient ? rankConfusables(recipient.name, recipientRow?.candidates ?? [], search) : [],
  };
}
