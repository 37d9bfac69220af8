import { randomUUID } from 'node:crypto';
import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for `misroutes`: every report of a wrong recipient, and the letter that rerouted it. */

export interface NewMisroute {
  letterId: string;
  source: 'report' | 'acknowledgement';
  reportedBy: string | null;
  note?: string | undefined;
  correctSorId?: string | undefined;
}

export async function insertMisroute(tx: Tx, misroute: NewMisroute): Promise<string> {
  const id = randomUUID();
  await tx.query(
    'INSERT INTO misroutes (id, letter_id, source, reported_by, note, correct_sor_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, misroute.letterId, misroute.source, misroute.reportedBy, misroute.note ?? null, misroute.correctSorId ?? null],
  );
  return id;
}

export interface MisrouteRow {
  id: string;
  correctSorId: string | null;
  reroutedTo: string | null;
}

/** A letter's reports, newest first; `lock` holds them until the transaction ends. */
export async function misroutesOf(q: Queryable, letterId: string, lock = false): Promise<MisrouteRow[]> {
  const result = await q.query<MisrouteRow>(
    `SELECT id, correct_sor_id AS "correctSorId", rerouted_to AS "reroutedTo" FROM misroutes
     WHERE letter_id = $1 ORDER BY reported_at DESC, id ${lock ? 'FOR UPDATE' : ''}`,
    [letterId],
  );
  return result.rows;
}

export async function setReroutedTo(tx: Tx, misrouteId: string, letterId: string): Promise<void> {
  await tx.query('UPDATE misroutes SET rerouted_to = $2 WHERE id = $1', [misrouteId, letterId]);
}

export interface MisrouteRecord {
  id: string;
  source: string;
  reportedBy: string | null;
  reportedAt: Date;
  note: string | null;
  correctSorId: string | null;
  reroutedTo: string | null;
}

/** A letter's reports in the order they came, for its trace. */
export async function misrouteRecordsOf(q: Queryable, letterId: string): Promise<MisrouteRecord[]> {
  const result = await q.query<MisrouteRecord>(
    `SELECT id, source, reported_by AS "reportedBy", reported_at AS "reportedAt", note, correct_sor_id AS "correctSorId",
       rerouted_to AS "reroutedTo"
     FROM misroutes WHERE letter_id = $1 ORDER BY reported_at, id`,
    [letterId],
  );
  return result.rows;
}

export interface MisroutedLetter {
  letterId: string;
  firstReportedAt: Date;
  sources: string[];
  /** The right mailbox as the earliest report that named one said. */
  correctSorId: string | null;
  /** The letter the earliest report that recorded a reroute points at. */
  reroutedTo: string | null;
}

/**
 * One row per misrouted letter whose reports fall in the period (a letter both reported and
 * negatively acknowledged counts once), in the order they were first reported.
 */
export async function misroutedLetters(q: Queryable, period: { from?: Date; to?: Date }): Promise<MisroutedLetter[]> {
  const result = await q.query<MisroutedLetter>(
    `SELECT letter_id AS "letterId", min(reported_at) AS "firstReportedAt",
       array_agg(DISTINCT source ORDER BY source) AS sources,
       (array_agg(correct_sor_id ORDER BY reported_at) FILTER (WHERE correct_sor_id IS NOT NULL))[1] AS "correctSorId",
       (array_agg(rerouted_to ORDER BY reported_at) FILTER (WHERE rerouted_to IS NOT NULL))[1] AS "reroutedTo"
     FROM misroutes
     WHERE ($1::timestamptz IS NULL OR reported_at >= $1) AND ($2::timestamptz IS NULL OR reported_at < $2)
     GROUP BY letter_id
     ORDER BY min(reported_at), letter_id`,
    [period.from ?? null, period.to ?? null],
  );
  return result.rows;
}
