import type { DirectoryImportColumn } from '../schemas/directory.ts';
import { mailboxColumns, mailboxJsonSql, type Queryable } from './directory.ts';
import type { DirectoryParents } from './import-plan.ts';
import type { ImportCandidate } from './import-rows.ts';

/**
 * Writes a planned SOR import in a few set-based statements: the rows go into a temporary table
 * in batches (one INSERT of arrays per batch), then one UPDATE and one INSERT against
 * `mailboxes`, each with its `mailbox_history` rows in the same statement. The caller holds the
 * transaction; the search documents follow by trigger (migration 003).
 */

export interface ImportCounts {
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
}

export interface ImportActor {
  id: string | null;
  name: string;
}

type Field = Exclude<DirectoryImportColumn, 'sorId'>;

const fieldTypes: Record<Field, string> = {
  ean: 'text',
  name: 'text',
  displayName: 'text',
  parentSorId: 'text',
  kind: 'text',
  sector: 'text',
  municipalityCode: 'text',
  regionCode: 'text',
  unitType: 'text',
  address: 'text',
  accepts: 'text',
  endpoint: 'text',
  validFrom: 'date',
  validTo: 'date',
  active: 'boolean',
  successorSorId: 'text',
};
const fields = Object.keys(fieldTypes) as Field[];
// An empty cell of these means "not given" (import-rows.ts): new rows get the default, existing keep theirs.
const defaults: Partial<Record<Field, string>> = { kind: `'unit'`, active: 'true', accepts: `'{}'::text[]` };
const batchSize = 5_000;

/**
 * Keeps imports from interleaving with each other and with admin edits, so the plan's view of
 * parents holds until commit. Readers (search, letters) are not blocked.
 */
export async function lockDirectoryForImport(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE mailboxes IN SHARE ROW EXCLUSIVE MODE');
}

export async function directoryIsEmpty(q: Queryable): Promise<boolean> {
  const result = await q.query('SELECT 1 FROM mailboxes LIMIT 1');
  return result.rowCount === 0;
}

export async function readDirectoryParents(q: Queryable): Promise<DirectoryParents> {
  const result = await q.query<{ sor_id: string; parent_sor_id: string | null }>(
    'SELECT sor_id, parent_sor_id FROM mailboxes',
  );
  return new Map(result.rows.map((row) => [row.sor_id, row.parent_sor_id]));
}

export async function writeImport(
  tx: Queryable,
  accepted: readonly ImportCandidate[],
  present: ReadonlySet<DirectoryImportColumn>,
  actor: ImportActor,
): Promise<ImportCounts> {
  if (accepted.length === 0) return { created: 0, updated: 0, deactivated: 0, unchanged: 0 };
  await loadImportTable(tx, accepted);
  const given = fields.filter((field) => present.has(field));
  const column = (field: Field) => mailboxColumns[field];

  const newValue = (field: Field, row: string, old: string) =>
    defaults[field] ? `coalesce(${row}.${column(field)}, ${old}.${column(field)})` : `${row}.${column(field)}`;
  const updated = await tx.query<{ matched: number; changed: number; deactivated: number }>(
    `WITH old_row AS (
       SELECT m.* FROM mailboxes m JOIN postbud_import r ON r.sor_id = m.sor_id
     ), changed AS (
       SELECT r.* FROM postbud_import r JOIN old_row o ON o.sor_id = r.sor_id
       WHERE ROW(${given.map((f) => newValue(f, 'r', 'o')).join(', ')}) IS DISTINCT FROM ROW(${given.map((f) => `o.${column(f)}`).join(', ')})
     ), new_row AS (
       UPDATE mailboxes m
       SET ${[...given.map((f) => `${column(f)} = ${newValue(f, 'c', 'm')}`), 'version = m.version + 1', 'updated_at = now()'].join(', ')}
       FROM changed c WHERE m.sor_id = c.sor_id
       RETURNING m.*
     ), history AS (
       INSERT INTO mailbox_history (sor_id, version, changed_by, changed_by_name, change, before, after)
       SELECT n.sor_id, n.version, $1, $2, 'import', ${mailboxJsonSql('o')}, ${mailboxJsonSql('n')}
       FROM new_row n JOIN old_row o ON o.sor_id = n.sor_id
     )
     SELECT (SELECT count(*) FROM old_row)::int AS matched, count(*)::int AS changed,
            count(*) FILTER (WHERE o.active AND NOT n.active)::int AS deactivated
     FROM new_row n JOIN old_row o ON o.sor_id = n.sor_id`,
    [actor.id, actor.name],
  );

  const insertValue = (field: Field) =>
    defaults[field] ? `coalesce(r.${column(field)}, ${defaults[field]})` : `r.${column(field)}`;
  const created = await tx.query<{ created: number }>(
    `WITH inserted AS (
       INSERT INTO mailboxes (sor_id, ${given.map(column).join(', ')})
       SELECT r.sor_id, ${given.map(insertValue).join(', ')}
       FROM postbud_import r
       WHERE NOT EXISTS (SELECT 1 FROM mailboxes m WHERE m.sor_id = r.sor_id)
       RETURNING *
     ), history AS (
       INSERT INTO mailbox_history (sor_id, version, changed_by, changed_by_name, change, before, after)
       SELECT i.sor_id, i.version, $1, $2, 'import', NULL, ${mailboxJsonSql('i')} FROM inserted i
     )
     SELECT count(*)::int AS created FROM inserted`,
    [actor.id, actor.name],
  );

  const { matched, changed, deactivated } = updated.rows[0]!;
  return {
    created: created.rows[0]!.created,
    updated: changed - deactivated,
    deactivated,
    unchanged: matched - changed,
  };
}

/** The accepted rows as `postbud_import`, dropped at commit or rollback. */
async function loadImportTable(tx: Queryable, accepted: readonly ImportCandidate[]): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE postbud_import (
       line integer NOT NULL, sor_id text PRIMARY KEY,
       ${fields.map((field) => `${mailboxColumns[field]} ${field === 'accepts' ? 'text[]' : fieldTypes[field]}`).join(', ')}
     ) ON COMMIT DROP`,
  );
  const unnestArgs = [
    '$1::integer[]',
    '$2::text[]',
    ...fields.map((field, i) => `$${i + 3}::${fieldTypes[field]}[]`),
  ].join(', ');
  // Accepts entries cannot hold a comma (schema pattern), so a comma-joined cell carries the
  // list through unnest, which needs rectangular arrays.
  const selectList = [
    'line',
    'sor_id',
    ...fields.map((field) =>
      field === 'accepts'
        ? `CASE WHEN accepts IS NULL THEN NULL ELSE string_to_array(accepts, ',') END`
        : mailboxColumns[field],
    ),
  ].join(', ');
  const aliases = ['line', 'sor_id', ...fields.map((field) => mailboxColumns[field])].join(', ');
  for (let start = 0; start < accepted.length; start += batchSize) {
    const batch = accepted.slice(start, start + batchSize);
    const values: unknown[][] = [batch.map((c) => c.line), batch.map((c) => c.row.sorId)];
    for (const field of fields) {
      values.push(
        batch.map(({ row }) => {
          const value = row[field];
          if (value === undefined || value === null) return null;
          return Array.isArray(value) ? value.join(',') : value;
        }),
      );
    }
    await tx.query(
      `INSERT INTO postbud_import SELECT ${selectList} FROM unnest(${unnestArgs}) AS t(${aliases})`,
      values,
    );
  }
  await tx.query('ANALYZE postbud_import');
}

/** A mailbox an import closed because the extract no longer lists it. */
export interface MissingMailbox {
  sorId: string;
  name: string;
  version: number;
}

/**
 * Closes the mailboxes an SOR extract no longer lists. Only those in the import's scope: active
 * ones that an SOR import created or changed before (their history holds an `import`). Mailboxes
 * added or kept by hand (API, console) are never closed by an extract that does not know them.
 * Runs after `writeImport` in the same transaction, so rows of this file are never "missing".
 */
export async function deactivateMissing(
  tx: Queryable,
  listedSorIds: readonly string[],
  actor: ImportActor,
): Promise<MissingMailbox[]> {
  const result = await tx.query<{ sor_id: string; name: string; version: number }>(
    `WITH missing AS (
       SELECT m.* FROM mailboxes m
       WHERE m.active AND NOT (m.sor_id = ANY($3::text[]))
         AND EXISTS (SELECT 1 FROM mailbox_history h WHERE h.sor_id = m.sor_id AND h.change = 'import')
     ), new_row AS (
       UPDATE mailboxes m SET active = false, version = m.version + 1, updated_at = now()
       FROM missing o WHERE m.sor_id = o.sor_id
       RETURNING m.*
     ), history AS (
       INSERT INTO mailbox_history (sor_id, version, changed_by, changed_by_name, change, before, after)
       SELECT n.sor_id, n.version, $1, $2, 'deactivate', ${mailboxJsonSql('o')}, ${mailboxJsonSql('n')}
       FROM new_row n JOIN missing o ON o.sor_id = n.sor_id
     )
     SELECT sor_id, name, version FROM new_row ORDER BY sor_id`,
    [actor.id, actor.name, listedSorIds],
  );
  return result.rows.map((row) => ({ sorId: row.sor_id, name: row.name, version: row.version }));
}
