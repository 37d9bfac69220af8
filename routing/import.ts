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
  lockDirectoryForImport,
  readDirectoryParents,
  writeImport,
  type ImportActor,
  type ImportCounts,
} from './import-store.ts';
import type { Queryable } from './directory.ts';

/**
 * An SOR extract from CSV text to the directory: `readImportFile` types and checks each row on
 * its own (no I/O), `applyImport` plans the rows against the directory and writes them inside
 * the caller's transaction. The caller decides whether to commit and records the audit event.
 */

export { ImportFileError };
export type { ImportActor, ImportCounts, ImportRejection };

export interface ImportFile {
  header: ImportHeader;
  /** Data records read, the header not counted. */
  rows: number;
  candidates: ImportCandidate[];
  rejected: ImportRejection[];
}

export interface ImportOutcome extends ImportCounts {
  rejected: ImportRejection[];
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

export async function applyImport(tx: Queryable, file: ImportFile, actor: ImportActor): Promise<ImportOutcome> {
  await lockDirectoryForImport(tx);
  const plan = planImport(file.candidates, file.header.present, await readDirectoryParents(tx));
  const counts = await writeImport(tx, plan.accepted, file.header.present, actor);
  return { ...counts, rejected: [...file.rejected, ...plan.rejected].sort((a, b) => a.line - b.line) };
}
