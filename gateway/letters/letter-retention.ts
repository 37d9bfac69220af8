import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { inTransaction, type Db, type Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * Retention: after a configurable period a letter's content (sealed XML, sealed envelope,
 * attachment chunks) is removed, while its metadata, attachment digests and audit events stay.
 * Each purged letter gets a `purged` audit event in the same transaction as the removal.
 */

export const purgeActor: Actor = { id: null, name: 'postbud purge' };

/** `180d` or `12h` → milliseconds. */
export function parseRetentionPeriod(text: string): number {
  const match = /^([0-9]{1,5})([dh])$/.exec(text);
  if (!match) throw new RangeError(`a period is a number of days or hours, such as 180d or 12h: ${text}`);
  return Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000);
}

export interface PurgeOptions {
  /** As written by the operator (`180d`): recorded in each `purged` event. */
  olderThan: string;
  now?: Date;
  dryRun?: boolean;
  batchSize?: number;
}

export interface PurgeResult {
  cutoff: string;
  purged: number;
  dryRun: boolean;
}

// Letters still on their way (accepted, queued) keep their content: an adapter may yet fetch it.
const dueLetters = `FROM letters WHERE purged_at IS NULL AND created_at < $1 AND status NOT IN ('accepted', 'queued')`;

export async function purgeLetters(db: Db, options: PurgeOptions): Promise<PurgeResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - parseRetentionPeriod(options.olderThan));
  if (options.dryRun) {
    const due = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${dueLetters}`, [cutoff]);
    return { cutoff: cutoff.toISOString(), purged: due.rows[0]!.n, dryRun: true };
  }
  const batchSize = options.batchSize ?? 200;
  let purged = 0;
  for (;;) {
    const done = await inTransaction(db, async (tx) => {
      // SKIP LOCKED: two purges at once split the work instead of purging a letter twice.
      const due = await tx.query<{ id: string; recipient_sor_id: string }>(
        `SELECT id, recipient_sor_id ${dueLetters} ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [cutoff, batchSize],
      );
      const ids = due.rows.map((row) => row.id);
      if (ids.length === 0) return 0;
      const chunks = await tx.query<{ letter_id: string; n: number }>(
        `WITH gone AS (DELETE FROM attachment_chunks WHERE letter_id = ANY ($1::uuid[]) RETURNING letter_id)
         SELECT letter_id, count(*)::int AS n FROM gone GROUP BY letter_id`,
        [ids],
      );
      const removed = new Map(chunks.rows.map((row) => [row.letter_id, row.n]));
      // Empty rather than NULL: the columns stay NOT NULL for letters that are not purged.
      await tx.query(
        `UPDATE letters SET xml_template = '\\x', envelope = '\\x', purged_at = now() WHERE id = ANY ($1::uuid[])`,
        [ids],
      );
      await appendAuditEvents(
        tx,
        purgeActor,
        due.rows.map((row) => ({
          action: 'purged',
          letterId: row.id,
          sorId: row.recipient_sor_id,
          details: {
            olderThan: options.olderThan,
            cutoff: cutoff.toISOString(),
            attachmentChunksRemoved: removed.get(row.id) ?? 0,
          },
        })),
      );
      return ids.length;
    });
    purged += done;
    if (done < batchSize) break;
  }
  return { cutoff: cutoff.toISOString(), purged, dryRun: false };
}

export function letterPurgedProblem(purgedAt: Date | string): ProblemError {
  const when = typeof purgedAt === 'string' ? purgedAt : purgedAt.toISOString();
  return new ProblemError(
    410,
    'letter-purged',
    'Letter content purged',
    `The letter's content was removed on ${when} under the retention period; its metadata and audit trail remain.`,
  );
}

/** For routes serving letter content: 410 `letter-purged` once retention removed it. */
export async function assertLetterNotPurged(q: Queryable, letterId: string): Promise<void> {
  const result = await q.query<{ purged_at: Date | null }>('SELECT purged_at FROM letters WHERE id = $1', [letterId]);
  const purgedAt = result.rows[0]?.purged_at;
  if (purgedAt) throw letterPurgedProblem(purgedAt);
}
