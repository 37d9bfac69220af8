import type { Sector } from '../../schemas/categories.ts';
import {
  attachmentValues,
  attachmentsInsertSql,
  chunkValues,
  chunksInsertSql,
  type AttachmentRow,
} from '../attachments/attachment-store.ts';
import { unsealedEventValues, unsealedEventsInsertSql, type UnsealedEvent } from '../audit/audit-store.ts';
import type { Queryable } from '../platform/db.ts';
import { newLetterColumns, newLetterValues, type NewLetter } from './letter-store.ts';
import type { SpooledChunk } from './sealed-spool.ts';

/** Everything an accepted letter is stored with. */
export interface AcceptedLetterRows {
  letter: NewLetter;
  attachments: readonly AttachmentRow[];
  /** Sealed chunks written with the letter (all of a small letter's; more may follow in the same transaction). */
  chunks: readonly SpooledChunk[];
  outbox: { sector: Sector; payload: object };
  events: readonly UnsealedEvent[];
}

/**
 * Stores an accepted letter in one statement: letter, attachments, sealed chunks, outbox row and
 * audit events, each INSERT taken from the store that owns its table. Nothing is written when the
 * sending client is no longer active: its row is read FOR SHARE, so a revocation committing
 * meanwhile is waited for and seen. A small letter thus costs one round trip and no explicit
 * transaction; it used to cost nine. Answers whether the letter was written.
 */
export async function writeAcceptedLetter(q: Queryable, rows: AcceptedLetterRows): Promise<boolean> {
  const letterValues = newLetterValues(rows.letter);
  const attachmentsAt = letterValues.length + 1;
  const chunksAt = attachmentsAt + 5;
  const outboxAt = chunksAt + 4 * rows.chunks.length;
  const eventsAt = outboxAt + 2;
  const written = 'EXISTS (SELECT 1 FROM letter)';
  // The client id ($2, second of `newLetterColumns`) comes from the locked row: no row, no letter.
  const placeholders = letterValues.map((_, i) => (i === 1 ? 'client.id' : `$${i + 1}`)).join(', ');
  const result = await q.query<{ written: number }>({
    // One prepared statement per number of chunks in memory (a handful: the spool's memory is small).
    name: `letter-write-accepted-${rows.chunks.length}`,
    text: `WITH client AS (SELECT id FROM api_clients WHERE id = $2 AND active FOR SHARE),
       letter AS (
         INSERT INTO letters (${newLetterColumns}, status) SELECT ${placeholders}, 'accepted' FROM client RETURNING id
       ),
       attachment_rows AS (${attachmentsInsertSql('$1::uuid', attachmentsAt, written)}),
       chunk_rows AS (${chunksInsertSql('$1::uuid', chunksAt, rows.chunks.length, written)}),
       outbox_row AS (INSERT INTO outbox (letter_id, sector, payload) SELECT id, $${outboxAt}, $${outboxAt + 1} FROM letter),
       event_rows AS (${unsealedEventsInsertSql(eventsAt, written)})
     SELECT count(*)::int AS written FROM letter`,
    values: [
      ...letterValues,
      ...attachmentValues(rows.attachments),
      ...chunkValues(rows.chunks),
      rows.outbox.sector,
      rows.outbox.payload,
      ...unsealedEventValues(rows.events),
    ],
  });
  return result.rows[0]?.written === 1;
}
