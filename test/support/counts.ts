import type { Db } from '../../gateway/platform/db.ts';

/** Row counts of every table a letter touches: a refused letter must leave them unchanged. */
export async function letterTableCounts(db: Db): Promise<Record<string, number>> {
  const tables = ['letters', 'attachments', 'attachment_chunks', 'outbox', 'audit_events', 'delivery_attempts'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = result.rows[0]!.n;
  }
  return counts;
}
