import type { Sector } from '../../schemas/categories.ts';
import type { Queryable, Tx } from '../platform/db.ts';

/**
 * SQL for the outbox: the row written with a letter in its own transaction, saying it is to be
 * published to its sector's queue. The relay claims rows, publishes them and marks them done.
 */

export interface OutboxRow {
  id: string;
  letterId: string;
  sector: Sector;
  payload: object;
}

export async function insertOutbox(tx: Tx, letterId: string, sector: Sector, payload: object): Promise<void> {
  await tx.query('INSERT INTO outbox (letter_id, sector, payload) VALUES ($1, $2, $3)', [letterId, sector, payload]);
}

/** Unpublished rows in order, locked; SKIP LOCKED lets every gateway instance run a relay. */
export async function claimUnpublished(tx: Tx, limit: number): Promise<OutboxRow[]> {
  const result = await tx.query<OutboxRow>(
    `SELECT id, letter_id AS "letterId", sector, payload FROM outbox WHERE published_at IS NULL
     ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return result.rows;
}

export async function markPublished(tx: Tx, ids: string[]): Promise<void> {
  await tx.query('UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [ids]);
}

export async function hasUnpublished(q: Queryable, letterId: string): Promise<boolean> {
  const result = await q.query('SELECT 1 FROM outbox WHERE letter_id = $1 AND published_at IS NULL', [letterId]);
  return (result.rowCount ?? 0) > 0;
}

/** Unpublished rows of a sector, counted only up to `cap`: the exact size of a huge backlog is not needed. */
export async function countUnpublished(q: Queryable, sector: Sector, cap: number): Promise<number> {
  const result = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM outbox WHERE published_at IS NULL AND sector = $1 LIMIT $2) pending`,
    [sector, cap],
  );
  return result.rows[0]!.n;
}
