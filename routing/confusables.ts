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
 * How many nearest names PostgreSQL hands to names.ts. Rows arrive in falling similarity, so once
 * one falls below the threshold every later one does too; a pool well beyond `limit` only matters
 * when many names tie near the top.
 */
export const confusableCandidatePool = ({ limit = 10 }: ConfusableSearch) => Math.max(limit * 5, 50);

/**
 * The mailboxes in operation in `mailbox`'s sector nearest to its name by trigram distance (GiST
 * index of migration 002, which normalises like names.ts), as `mailbox` JSON with their `rank`.
 * `mailbox` is a table alias or row of `mailboxes`; `day` and `pool` are SQL expressions.
 */
export function confusableCandidatesSql(mailbox: string, day: string, pool: string): string {
  return `SELECT ${mailboxJsonSql('x')} AS mailbox, x.rank
     FROM (SELECT x.*, x.name_key <-> postbud_name_key(${mailbox}.name) AS rank FROM mailboxes x
       WHERE x.sector = ${mailbox}.sector AND x.sor_id <> ${mailbox}.sor_id AND x.active
         AND (x.valid_from IS NULL OR x.valid_from <= ${day})
         AND (x.valid_to IS NULL OR x.valid_to >= ${day})
       ORDER BY x.name_key <-> postbud_name_key(${mailbox}.name)
       LIMIT ${pool}) x`;
}

/** names.ts decides and ranks among the candidates, so the answer is the pure `findConfusable` over the directory. */
export function rankConfusables(
  name: string,
  candidates: Mailbox[],
  search: ConfusableSearch = {},
): ConfusableMailbox[] {
  const { threshold = defaultConfusableThreshold, limit = 10 } = search;
  return findConfusable(name, candidates, threshold)
    .slice(0, limit)
    .map(({ candidate, similarity }) => ({ mailbox: candidate, similarity }));
}

/** Mailboxes in operation in the same sector whose names a clinician could take for `mailbox`'s. */
export async function findConfusableMailboxes(
  q: Queryable,
  mailbox: Pick<Mailbox, 'sorId' | 'name' | 'sector'>,
  search: ConfusableSearch = {},
): Promise<ConfusableMailbox[]> {
  const result = await q.query<{ mailbox: Mailbox }>(
    `SELECT c.mailbox FROM (SELECT $1::text AS sector, $2::text AS sor_id, $3::text AS name) m,
       LATERAL (${confusableCandidatesSql('m', '$4::date', '$5')}) c ORDER BY c.rank`,
    [
      mailbox.sector,
      mailbox.sorId,
      mailbox.name,
      copenhagenDate(search.today ?? new Date()),
      confusableCandidatePool(search),
    ],
  );
  return rankConfusables(
    mailbox.name,
    result.rows.map((row) => row.mailbox),
    search,
  );
}
