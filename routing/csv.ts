/**
 * CSV as Danish registers export it (RFC 4180 with `;` as the delimiter, since `,` is the
 * decimal comma): fields in double quotes may hold the delimiter, line breaks and `""` for a
 * quote; lines end in CRLF, LF or CR; a UTF-8 byte order mark is dropped.
 *
 * A malformed record does not end the parse: it comes back with `error`, so an import can
 * reject that line by number and go on with the rest.
 */

export interface CsvRecord {
  /** The line the record starts on, counting from 1 (the header is line 1). */
  line: number;
  fields: string[];
  error?: string;
}

const quote = 0x22;
const lf = 0x0a;
const cr = 0x0d;

export function parseCsv(text: string, delimiter = ';'): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError('the delimiter must be one character other than a quote or line break');
  }
  const sep = delimiter.charCodeAt(0);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = source.length;

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    let atRecordEnd = false;
    // A line with nothing on it carries no record (a trailing newline, a blank line in between).
    const first = source.charCodeAt(i);
    if (first === lf || first === cr) {
      i += first === cr && source.charCodeAt(i + 1) === lf ? 2 : 1;
      line++;
      continue;
    }
    while (!atRecordEnd) {
      let value = '';
      if (source.charCodeAt(i) === quote) {
        i++;
        let closed = false;
        let chunkStart = i;
        while (i < n) {
          const c = source.charCodeAt(i);
          if (c === quote) {
            value += source.slice(chunkStart, i);
            if (source.charCodeAt(i + 1) === quote) {
              value += '"';
              i += 2;
              chunkStart = i;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === lf || (c === cr && source.charCodeAt(i + 1) !== lf)) line++;
          i++;
        }
        if (!closed) {
          error ??= 'a quoted field is never closed';
          value += source.slice(chunkStart, i);
        } else if (
          i < n &&
          source.charCodeAt(i) !== sep &&
          source.charCodeAt(i) !== lf &&
          source.charCodeAt(i) !== cr
        ) {
          // Text after the closing quote: keep it, but the line is not well-formed CSV.
          error ??= `unexpected text after a closing quote in field ${fields.length + 1}`;
          const end = nextDelimiterOrBreak(source, i, sep);
          value += source.slice(i, end);
          i = end;
        }
      } else {
        const end = nextDelimiterOrBreak(source, i, sep);
        value = source.slice(i, end);
        i = end;
      }
      fields.push(value);
      if (i >= n) {
        atRecordEnd = true;
      } else if (source.charCodeAt(i) === sep) {
        i++;
        // A delimiter right before the end of the text leaves one more, empty field.
        if (i >= n) {
          fields.push('');
          atRecordEnd = true;
        }
      } else {
        i += source.charCodeAt(i) === cr && source.charCodeAt(i + 1) === lf ? 2 : 1;
        line++;
        atRecordEnd = true;
      }
    }
    records.push(error === undefined ? { line: startLine, fields } : { line: startLine, fields, error });
  }
  return records;
}

function nextDelimiterOrBreak(source: string, from: number, sep: number): number {
  let i = from;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === sep || c === lf || c === cr) break;
    i++;
  }
  return i;
}

/** One field as CSV: quoted when it holds the delimiter, a quote or a line break. */
export function csvField(value: string, delimiter = ';'): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records as CSV text with CRLF line ends, the way the parser reads them back. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter = ';'): string {
  return rows.map((row) => row.map((value) => csvField(value, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}
