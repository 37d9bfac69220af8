import type { Pool, PoolClient } from 'pg';
import type { Mailbox, MailboxCreate, MailboxPatch } from '../schemas/mailbox.ts';
import { isValidEan } from './ean.ts';
import { isValidSorId } from './sor.ts';

/**
 * The recipient directory: the `mailboxes` table and its `mailbox_history`. Every write and its
 * history row happen in one SQL statement, so a change is never stored without its trail, whether
 * the caller passes a pool or a client inside its own transaction.
 */

export type { Mailbox, MailboxCreate, MailboxPatch };
export type Queryable = Pool | PoolClient;

export type DirectoryErrorCode =
  | 'mailbox-exists'
  | 'mailbox-not-found'
  | 'version-conflict'
  | 'sor-id-invalid'
  | 'ean-invalid'
  | 'parent-unknown'
  | 'parent-cycle'
  | 'successor-invalid';

/** A refused directory change. Not an HTTP error: the gateway chooses the status. */
export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

/** API field → column, for the fields an admin may write (also the SOR import's columns). */
export const mailboxColumns = {
  ean: 'ean',
  name: 'name',
  displayName: 'display_name',
  parentSorId: 'parent_sor_id',
  kind: 'kind',
  sector: 'sector',
  municipalityCode: 'municipality_code',
  regionCode: 'region_code',
  unitType: 'unit_type',
  address: 'address',
  accepts: 'accepts',
  endpoint: 'endpoint',
  validFrom: 'valid_from',
  validTo: 'valid_to',
  active: 'active',
  successorSorId: 'successor_sor_id',
} as const satisfies Record<keyof MailboxPatch, string>;
const columns = mailboxColumns;
type WritableField = keyof typeof columns;
const writableFields = Object.keys(columns) as WritableField[];
// The same defaults as `mailboxCreateSchema`, for callers that bypass HTTP (the SOR import).
const createDefaults: Partial<Record<WritableField, unknown>> = { kind: 'unit', active: true };

/**
 * The row as the API's `Mailbox`, built in SQL (for routing's own queries) so the answer and the history's before/after
 * images are one shape. Dates as `YYYY-MM-DD` (node-pg would make local-midnight Dates of them).
 */
export function mailboxJsonSql(alias: string): string {
  const utc = (column: string) => `to_char(${alias}.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `jsonb_build_object(
    'sorId', ${alias}.sor_id, 'ean', ${alias}.ean, 'name', ${alias}.name, 'displayName', ${alias}.display_name,
    'parentSorId', ${alias}.parent_sor_id, 'kind', ${alias}.kind, 'sector', ${alias}.sector,
    'municipalityCode', ${alias}.municipality_code, 'regionCode', ${alias}.region_code,
    'unitType', ${alias}.unit_type, 'address', ${alias}.address, 'accepts', to_jsonb(${alias}.accepts),
    'endpoint', ${alias}.endpoint, 'validFrom', to_char(${alias}.valid_from, 'YYYY-MM-DD'),
    'validTo', to_char(${alias}.valid_to, 'YYYY-MM-DD'), 'active', ${alias}.active,
    'successorSorId', ${alias}.successor_sor_id, 'version', ${alias}.version,
    'createdAt', ${utc('created_at')}, 'updatedAt', ${utc('updated_at')})`;
}

/** The mailbox and its ancestors, nearest first; `seen` stops a parent cycle from looping. */
const ancestryCte = `
  WITH RECURSIVE chain (sor_id, parent_sor_id, name, display_name, ean, depth, seen) AS (
    SELECT sor_id, parent_sor_id, name, display_name, ean, 0, ARRAY[sor_id] FROM mailboxes WHERE sor_id = $1
    UNION ALL
    SELECT p.sor_id, p.parent_sor_id, p.name, p.display_name, p.ean, c.depth + 1, c.seen || p.sor_id
    FROM chain c JOIN mailboxes p ON p.sor_id = c.parent_sor_id
    WHERE p.sor_id <> ALL (c.seen)
  )`;

/**
 * Adds a mailbox (version 1). Callers validate the body against `mailboxCreateSchema` first;
 * this refuses what a schema cannot see: a wrong EAN check digit or a parent not in the directory.
 */
export async function insertMailbox(q: Queryable, mailbox: MailboxCreate, actorId: string | null): Promise<Mailbox> {
  if (!isValidSorId(mailbox.sorId))
    throw new DirectoryError('sor-id-invalid', 'A SOR id has 11 to 18 digits', { sorId: mailbox.sorId });
  assertValidEan(mailbox.ean);
  if (typeof mailbox.parentSorId === 'string') await assertParentKnown(q, mailbox.parentSorId);
  const values = writableFields.map((field) => mailbox[field] ?? createDefaults[field] ?? null);
  const result = await q.query<{ mailbox: Mailbox }>(
    `WITH inserted AS (
       INSERT INTO mailboxes (sor_id, ${writableFields.map((field) => columns[field]).join(', ')})
       VALUES ($1, ${writableFields.map((_, i) => `$${i + 3}`).join(', ')})
       ON CONFLICT (sor_id) DO NOTHING
       RETURNING *
     ), history AS (
       INSERT INTO mailbox_history (sor_id, version, changed_by, change, before, after)
       SELECT sor_id, version, $2, 'create', NULL, ${mailboxJsonSql('inserted')} FROM inserted
     )
     SELECT ${mailboxJsonSql('inserted')} AS mailbox FROM inserted`,
    [mailbox.sorId, actorId, ...values],
  );
  const inserted = result.rows[0];
  if (inserted === undefined) {
    throw new DirectoryError('mailbox-exists', `SOR ${mailbox.sorId} is already in the directory`, {
      sorId: mailbox.sorId,
    });
  }
  return inserted.mailbox;
}

export async function getMailbox(q: Queryable, sorId: string): Promise<Mailbox | undefined> {
  const result = await q.query<{ mailbox: Mailbox }>(
    `SELECT ${mailboxJsonSql('m')} AS mailbox FROM mailboxes m WHERE m.sor_id = $1`,
    [sorId],
  );
  return result.rows[0]?.mailbox;
}

/** The known ones of `sorIds` by SOR id, in one round trip (sender, recipient and successor). */
export async function getMailboxes(q: Queryable, sorIds: readonly string[]): Promise<Map<string, Mailbox>> {
  const result = await q.query<{ mailbox: Mailbox }>(
    `SELECT ${mailboxJsonSql('m')} AS mailbox FROM mailboxes m WHERE m.sor_id = ANY ($1::text[])`,
    [[...new Set(sorIds)]],
  );
  return new Map(result.rows.map((row) => [row.mailbox.sorId, row.mailbox]));
}

/**
 * Applies `patch` if the mailbox is still at `expectedVersion` (optimistic concurrency: two admins
 * editing the same mailbox must not silently overwrite each other). `null` clears a field.
 */
export async function updateMailbox(
  q: Queryable,
  sorId: string,
  patch: MailboxPatch,
  expectedVersion: number,
  actorId: string | null,
  change: 'update' | 'deactivate' = 'update',
): Promise<Mailbox> {
  assertValidEan(patch.ean);
  if (typeof patch.successorSorId === 'string') await assertSuccessorKnown(q, sorId, patch.successorSorId);
  if (typeof patch.parentSorId === 'string') {
    await assertParentKnown(q, patch.parentSorId);
    const ancestors = await q.query<{ sor_id: string }>(`${ancestryCte} SELECT sor_id FROM chain`, [patch.parentSorId]);
    if (ancestors.rows.some((row) => row.sor_id === sorId)) {
      throw new DirectoryError('parent-cycle', `SOR ${patch.parentSorId} lies below SOR ${sorId} in the hierarchy`, {
        sorId,
        parentSorId: patch.parentSorId,
      });
    }
  }
  const fields = writableFields.filter((field) => patch[field] !== undefined);
  const assignments = fields.map((field, i) => `${columns[field]} = $${i + 5}`);
  const result = await q.query<{ current_version: number | null; mailbox: Mailbox | null }>(
    `WITH old_row AS (
       SELECT * FROM mailboxes WHERE sor_id = $1 FOR UPDATE
     ), new_row AS (
       UPDATE mailboxes m SET ${[...assignments, 'version = m.version + 1', 'updated_at = now()'].join(', ')}
       FROM old_row o
       WHERE m.sor_id = o.sor_id AND o.version = $2
       RETURNING m.*
     ), history AS (
       INSERT INTO mailbox_history (sor_id, version, changed_by, change, before, after)
       SELECT n.sor_id, n.version, $3, $4, ${mailboxJsonSql('o')}, ${mailboxJsonSql('n')}
       FROM new_row n CROSS JOIN old_row o
     )
     SELECT (SELECT version FROM old_row) AS current_version,
            (SELECT ${mailboxJsonSql('n')} FROM new_row n) AS mailbox`,
    [sorId, expectedVersion, actorId, change, ...fields.map((field) => patch[field])],
  );
  const row = result.rows[0];
  if (row?.mailbox) return row.mailbox;
  if (row?.current_version == null) {
    throw new DirectoryError('mailbox-not-found', `SOR ${sorId} is not in the directory`, { sorId });
  }
  throw new DirectoryError('version-conflict', `SOR ${sorId} was changed by someone else; reload it and try again`, {
    sorId,
    expectedVersion,
    currentVersion: row.current_version,
  });
}

/**
 * The names from the top owner down to the mailbox itself, each its display name where it has
 * one: what a clinician reads on the "confirm recipient" screen. Empty when the SOR id is unknown.
 */
export async function mailboxPath(q: Queryable, sorId: string): Promise<string[]> {
  const result = await q.query<{ name: string }>(
    `${ancestryCte} SELECT coalesce(display_name, name) AS name FROM chain ORDER BY depth DESC`,
    [sorId],
  );
  return result.rows.map((row) => row.name);
}

/** The same path with each level's SOR id, for links (breadcrumbs). */
export async function mailboxAncestry(q: Queryable, sorId: string): Promise<Array<{ sorId: string; name: string }>> {
  const result = await q.query<{ sorId: string; name: string }>(
    `${ancestryCte} SELECT sor_id AS "sorId", coalesce(display_name, name) AS name FROM chain ORDER BY depth DESC`,
    [sorId],
  );
  return result.rows;
}

/** The EAN a letter to `sorId` is delivered to: its own, else the nearest ancestor's. */
export async function effectiveEan(q: Queryable, sorId: string): Promise<string | undefined> {
  const result = await q.query<{ ean: string }>(
    `${ancestryCte} SELECT ean FROM chain WHERE ean IS NOT NULL ORDER BY depth LIMIT 1`,
    [sorId],
  );
  return result.rows[0]?.ean;
}

function assertValidEan(ean: string | null | undefined): void {
  if (typeof ean === 'string' && !isValidEan(ean)) {
    throw new DirectoryError('ean-invalid', 'The EAN location number has a wrong check digit or length', { ean });
  }
}

async function assertParentKnown(q: Queryable, parentSorId: string): Promise<void> {
  const found = await q.query('SELECT 1 FROM mailboxes WHERE sor_id = $1', [parentSorId]);
  if (found.rowCount === 0) {
    throw new DirectoryError('parent-unknown', `The parent SOR ${parentSorId} is not in the directory`, {
      parentSorId,
    });
  }
}

/** A successor must be another mailbox of the directory: letters are sent on to it. */
async function assertSuccessorKnown(q: Queryable, sorId: string, successorSorId: string): Promise<void> {
  if (successorSorId === sorId) {
    throw new DirectoryError('successor-invalid', `SOR ${sorId} cannot be its own successor`, {
      sorId,
      successorSorId,
    });
  }
  const found = await q.query('SELECT 1 FROM mailboxes WHERE sor_id = $1', [successorSorId]);
  if (found.rowCount === 0) {
    throw new DirectoryError('successor-invalid', `The successor SOR ${successorSorId} is not in the directory`, {
      successorSorId,
    });
  }
}
