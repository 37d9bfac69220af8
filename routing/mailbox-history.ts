import type { Mailbox } from '../schemas/mailbox.ts';
import type { Queryable } from './directory.ts';

/** One change of a mailbox: who, when, and the mailbox before and after. */
export interface MailboxHistoryEntry {
  version: number;
  change: 'create' | 'update' | 'deactivate' | 'import';
  changedAt: string;
  changedBy: { id: string | null; name: string | null };
  before: Mailbox | null;
  after: Mailbox;
}

/**
 * The trail of a mailbox, oldest first. `changedBy.id` is the API client that made the change;
 * changes without one (CLI import, demo seed) carry only the name recorded with them.
 */
export async function mailboxHistory(q: Queryable, sorId: string): Promise<MailboxHistoryEntry[]> {
  const result = await q.query<MailboxHistoryEntry>(
    `SELECT h.version, h.change,
            to_char(h.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt",
            jsonb_build_object('id', h.changed_by, 'name', h.changed_by_name) AS "changedBy",
            h.before, h.after
     FROM mailbox_history h
     WHERE h.sor_id = $1
     ORDER BY h.id`,
    [sorId],
  );
  return result.rows;
}
