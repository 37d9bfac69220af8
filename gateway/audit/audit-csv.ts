/**
 * CSV for the auditor's spreadsheet (RFC 4180 quoting, CRLF line ends), separated by `;`, the
 * list separator Danish Excel opens a CSV with. A formula trigger (= + - @, a tab or a line
 * break: OWASP's list) is neutralised with an apostrophe wherever a spreadsheet could start a
 * cell: at the start of the text, after a line break, and after a `;` or `,` inside it (a
 * spreadsheet that splits on the other separator, or ignores the quotes, would start a cell
 * there). So an actor name or a clerk's note never runs as a formula on an auditor's PC.
 */
export const csvSeparator = ';';

const formulaStart = /(^|[;,\r\n][ \t]*)([=+\-@\t\r])/g;

export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const safe = text.replace(formulaStart, "$1'$2");
  return /[";,\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(csvSeparator)}\r\n`;
}

/** Excel reads a UTF-8 file without this mark as Windows-1252 and garbles æ, ø and å. */
export const utf8ByteOrderMark = '\uFEFF';
