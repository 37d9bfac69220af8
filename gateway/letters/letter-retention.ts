import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { deleteAttachmentChunks } from '../attachments/attachment-store.ts';
import { claimDueForPurge, countDueForPurge, markPurged, type LetterRow } from './letter-store.ts';

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

export async function purgeLetters(db: Db, options: PurgeOptions): Promise<PurgeResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - parseRetentionPeriod(options.olderThan));
  if (options.dryRun) return { cutoff: cutoff.toISOString(), purged: await countDueForPurge(db, cutoff), dryRun: true };
  const batchSize = options.batchSize ?? 200;
  let purged = 0;
  for (;;) {
    const done = await inTransaction(db, async (tx) => {
      const due = await claimDueForPurge(tx, cutoff, batchSize);
      const ids = due.map((letter) => letter.id);
      if (ids.length === 0) return 0;
      const removed = await deleteAttachmentChunks(tx, ids);
      await markPurged(tx, ids);
      await appendAuditEvents(
        tx,
        purgeActor,
        due.map((letter) => ({
          action: 'purged',
          letterId: letter.id,
          sorId: letter.recipientSorId,
          details: {
            olderThan: options.olderThan,
            cutoff: cutoff.toISOString(),
            attachmentChunksRemoved: removed.get(letter.id) ?? 0,
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

/** For routes serving letter content: 410 `letter-purged` once retention removed it (the row as just read). */
export function assertLetterNotPurged(letter: Pick<LetterRow, 'purgedAt'>): void {
  if (letter.purgedAt) throw letterPurgedProblem(letter.purgedAt);
}
