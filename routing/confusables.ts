import type { Mailbox } from '../schemas/mailbox.ts';
import { mailboxJsonSql, type Queryable } from './directory.ts';
import type { ConfusableMailbox } from './guards.ts';
import { defaultConfusableThreshold, findConfusable } from './names.ts';
import { copenhagenDate } from './validity.ts';

export interface ConfusableSearch {
  threshold?: number;
  /** At most this many look-alikes, most similar first. */
  limit?: number;
  /** The day whose mailboxes are in operation; defaults to now. */
  today?: Date;
}

/**
 * Mailboxes in operation in the same sector whose names a clinician could take for `mailbox`'s.
 * PostgreSQL picks the nearest names by trigram distance (GiST index of migration 002, which
 * normalises like names.ts); names.ts then decides and ranks, so the answer is the pure
 * `findConfusable` over the directory.
 */
export async function findConfusableMailboxes(
  q: Queryable,
  mailbox: Pick<Mailbox, 'sorId' | 'name' | 'sector'>,
  { threshold = defaultConfusableThreshold, limit = 10, today = new Date() }: ConfusableSearch = {},
): Promise<ConfusableMailbox[]> {
  // Rows arrive in falling similarity, so once one falls below the threshold every later one
  // does too; a pool well beyond `limit` only matters when many names tie near the top.
  const pool = Math.max(limit * 5, 50);
  const result = await q.query<{ mailbox: Mailbox }>(
    `SELECT ${mailboxJsonSql('m')} AS mailbox
     FROM mailboxes m
     WHERE m.sector = $1 AND m.sor_id <> $2 AND m.active
       AND (m.valid_from IS NULL OR m.valid_from <= $4::date)
       AND (m.valid_to IS NULL OR m.valid_to >= $4::date)
     ORDER BY m.name_key <-> postbud_name_key($3)
     LIMIT $5`,
    [mailbox.sector, mailbox.sorId, mailbox.name, copenhagenDate(today), pool],
  );
  return findConfusable(
    mailbox.name,
    result.rows.map((row) => row.mailbox),
    threshold,
  )
    .slice(0, limit)
    .map(({ candidate, similarity }) => ({ mailbox: candidate, similarity }));
}
