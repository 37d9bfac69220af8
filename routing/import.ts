import { nameCharacterProblem } from './name-characters.ts';
import { parseCsv } from './csv.ts';
import { planImport } from './import-plan.ts';
import {
  ImportFileError,
  isRejection,
  readHeader,
  readRow,
  type ImportCandidate,
  type ImportHeader,
  type ImportRejection,
} from './import-rows.ts';
import {
  deactivateMissing,
  lockDirectoryForImport,
  readDirectoryParents,
  writeImport,
  type ImportActor,
  type ImportCounts,
  type MissingMailbox,
} from './import-store.ts';
import type { Queryable } from './directory.ts';

/**
 * An SOR extract from CSV text to the directory: `readImportFile` types and checks each row on
 * its own (no I/O), `applyImport` plans the rows against the directory and writes them inside
 * the caller's transaction. The caller decides whether to commit and records the audit event.
 */

export { ImportFileError };
export type { ImportActor, ImportCounts, ImportRejection, MissingMailbox };

export interface ImportFile {
  header: ImportHeader;
  /** Data records read, the header not counted. */
  rows: number;
  candidates: ImportCandidate[];
  rejected: ImportRejection[];
}

export interface ImportOutcome extends ImportCounts {
  rejected: ImportRejection[];
  /** With `deactivateMissing`: the mailboxes closed because the extract no longer lists them. */
  deactivatedMissing?: MissingMailbox[];
}

export interface ApplyImportOptions {
  /** Close the mailboxes in the import's scope that the file does not list (import-store.ts). */
  deactivateMissing?: boolean;
}

/** A row whose name would read as another mailbox's is rejected like any invalid row. */
function namesProblem(row: { name?: string | null; displayName?: string | null }): string | undefined {
  for (const field of ['name', 'displayName'] as const) {
    const value = row[field];
    const problem = typeof value === 'string' ? nameCharacterProblem(value) : undefined;
    if (problem) return `${field} ${problem}`;
  }
  return undefined;
}

export function readImportFile(csv: string): ImportFile {
  const [head, ...records] = parseCsv(csv);
  const header = readHeader(head);
  if (records.length === 0) throw new ImportFileError('import-empty', 'The file has a header but no data rows.');
  const candidates: ImportCandidate[] = [];
  const rejected: ImportRejection[] = [];
  for (const record of records) {
    const result = readRow(header, record);
    const problem = isRejection(result) ? undefined : namesProblem(result.row);
    if (isRejection(result)) rejected.push(result);
    else if (problem) rejected.push({ line: result.line, sorId: result.row.sorId, reason: problem });
    else candidates.push(result);
  }
  return { header, rows: records.length, candidates, rejected };
}

/**
 * Every SOR id the file names, rows rejected or not: a mailbox whose row was refused is still in
 * the extract and is not closed as missing. A row with no SOR id at all could be any mailbox, so
 * closing missing mailboxes is refused for such a file.
 */
function listedSorIds(file: ImportFile): string[] {
  if (file.rejected.some((rejection) => !rejection.sorId)) {
    throw new ImportFileError(
      'import-missing-unsafe',
      'A row has no SOR id, so it cannot be told which mailboxes the file leaves out; fix the row or import without deactivating missing mailboxes.',
    );
  }
  return [...file.candidates.map((c) => c.row.sorId), ...file.rejected.map((r) => r.sorId!)];
}

export async function applyImport(
  tx: Queryable,
  file: ImportFile,
  actor: ImportActor,
  options: ApplyImportOptions = {},
): Promise<ImportOutcome> {
  const listed = options.deactivateMissing ? listedSorIds(file) : undefined;
  await lockDirectoryForImport(tx);
  const plan = planImport(file.candidates, file.header.present, await readDirectoryParents(tx));
  const counts = await writeImport(tx, plan.accepted, file.header.present, actor);
  const rejected = [...file.rejected, ...plan.rejected].sort((a, b) => a.line - b.line);
  if (!listed) return { ...counts, rejected };
  return { ...counts, rejected, deactivatedMissing: await deactivateMissing(tx, listed, actor) };
}
