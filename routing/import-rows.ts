import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
  directoryImportColumns,
  directoryImportRowSchema,
  type DirectoryImportColumn,
  type DirectoryImportRow,
} from '../schemas/directory.ts';
import type { CsvRecord } from './csv.ts';
import { isValidEan } from './ean.ts';

/**
 * The rows of an SOR extract as typed mailbox fields, each checked on its own; what needs the
 * whole file and the directory (parents, cycles, duplicates) is import-plan.ts.
 */

export interface ImportCandidate {
  line: number;
  row: DirectoryImportRow;
}

export interface ImportRejection {
  line: number;
  sorId?: string;
  reason: string;
}

export interface ImportHeader {
  /** The column each field position feeds, `null` for a column the import does not know. */
  columns: (DirectoryImportColumn | null)[];
  /** Columns in the file. Fields of an existing mailbox whose column is absent stay as they are. */
  present: ReadonlySet<DirectoryImportColumn>;
  ignored: string[];
}

/** A file the import cannot read at all, as opposed to a row it rejects. */
export class ImportFileError extends Error {
  constructor(
    readonly code: 'import-empty' | 'import-header-invalid' | 'import-missing-unsafe',
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

// Exports spell headers "SOR-ID", "sor_id" or "SorId"; letters and digits decide.
const headerKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const byHeaderKey = new Map<string, DirectoryImportColumn>(
  directoryImportColumns.map((column) => [headerKey(column.name), column.name]),
);

export function readHeader(record: CsvRecord | undefined): ImportHeader {
  if (!record) throw new ImportFileError('import-empty', 'The file is empty; it needs a header row and data rows.');
  if (record.error) throw new ImportFileError('import-header-invalid', `The header row is malformed: ${record.error}.`);
  const seen = new Set<DirectoryImportColumn>();
  const ignored: string[] = [];
  const columns = record.fields.map((field) => {
    const column = byHeaderKey.get(headerKey(field)) ?? null;
    if (column === null) {
      ignored.push(field.trim());
    } else if (seen.has(column)) {
      throw new ImportFileError('import-header-invalid', `The column "${column}" appears twice in the header.`);
    } else {
      seen.add(column);
    }
    return column;
  });
  const missing = directoryImportColumns
    .filter((column) => 'required' in column && !seen.has(column.name))
    .map((c) => c.name);
  if (missing.length > 0) {
    throw new ImportFileError(
      'import-header-invalid',
      `The header lacks the required column(s) ${missing.join(', ')}.`,
    );
  }
  return { columns, present: seen, ignored };
}

const ajv = new Ajv({ allErrors: false, strict: true });
addFormats.default(ajv);
const validRow = ajv.compile<DirectoryImportRow>(directoryImportRowSchema);

/** What each field must look like, in the words of the OpenAPI column list. */
const fieldRules: Partial<Record<string, string>> = {
  sorId: 'must be a SOR id of 11 to 18 digits',
  parentSorId: 'must be a SOR id of 11 to 18 digits',
  successorSorId: 'must be a SOR id of 11 to 18 digits',
  ean: 'must be 13 digits',
  kind: 'must be owner, institution or unit',
  sector: 'must be region, municipality or gp',
  municipalityCode: 'must be a kommunekode of three digits',
  regionCode: 'must be a region code of four digits',
  validFrom: 'must be a date as YYYY-MM-DD',
  validTo: 'must be a date as YYYY-MM-DD',
  endpoint: 'must be an http(s) URL',
  accepts: 'must list message types such as CareCommunication or CareCommunication;1.0, separated by commas',
};

function describe(error: ErrorObject): string {
  if (error.keyword === 'required')
    return `${(error.params as { missingProperty: string }).missingProperty} is missing`;
  const field = error.instancePath.split('/')[1] ?? '';
  return `${field} ${fieldRules[field] ?? error.message ?? 'is invalid'}`;
}

const truthy = new Set(['true', '1', 'ja', 'j', 'yes', 'y']);
const falsy = new Set(['false', '0', 'nej', 'n', 'no']);

/** One cell as the row field: empty clears a field, except where "empty" has a meaning of its own. */
function cellValue(column: DirectoryImportColumn, raw: string): unknown {
  const text = raw.trim();
  switch (column) {
    // An empty accepts cell is a mailbox that accepts nothing, not one whose list is unknown.
    case 'accepts':
      return text === ''
        ? []
        : text
            .split(',')
            .map((entry) => entry.trim())
            .filter((entry) => entry !== '');
    case 'active': {
      if (text === '') return undefined;
      const lower = text.toLowerCase();
      return truthy.has(lower) ? true : falsy.has(lower) ? false : text;
    }
    // Required or defaulted: an empty cell is "not given" and the schema or the default decides.
    case 'sorId':
    case 'name':
    case 'sector':
    case 'kind':
      return text === '' ? undefined : text;
    default:
      return text === '' ? null : text;
  }
}

/** Types and checks one data record, or says on which line what is wrong. */
export function readRow(header: ImportHeader, record: CsvRecord): ImportCandidate | ImportRejection {
  const sorIdAt = header.columns.indexOf('sorId');
  const rawSorId = record.fields[sorIdAt]?.trim();
  const sorId = rawSorId ? { sorId: rawSorId.slice(0, 40) } : {};
  if (record.error) return { line: record.line, ...sorId, reason: `malformed CSV: ${record.error}` };
  if (record.fields.length !== header.columns.length) {
    return {
      line: record.line,
      ...sorId,
      reason: `has ${record.fields.length} fields, the header has ${header.columns.length}`,
    };
  }
  const row: Record<string, unknown> = {};
  header.columns.forEach((column, i) => {
    if (column === null) return;
    const value = cellValue(column, record.fields[i] ?? '');
    if (value !== undefined) row[column] = value;
  });
  if (row.active !== undefined && typeof row.active !== 'boolean') {
    return { line: record.line, ...sorId, reason: 'active must be true or false' };
  }
  if (!validRow(row)) return { line: record.line, ...sorId, reason: describe(validRow.errors![0]!) };
  if (typeof row.ean === 'string' && !isValidEan(row.ean)) {
    return { line: record.line, ...sorId, reason: 'ean has a wrong GS1 check digit' };
  }
  if (row.validFrom && row.validTo && row.validTo < row.validFrom) {
    return { line: record.line, ...sorId, reason: 'validTo is before validFrom' };
  }
  return { line: record.line, row };
}

export function isRejection(result: ImportCandidate | ImportRejection): result is ImportRejection {
  return 'reason' in result;
}
