/**
 * CSV for the auditor's spreadsheet (RFC 4180, CRLF line ends). A cell that a spreadsheet would
 * read as a formula (= + - @, or a leading tab or carriage return, OWASP's list) is prefixed with
 * an apostrophe, so an actor name or a clerk's note can never run as a formula on an auditor's PC.
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Excel reads a UTF-8 file without this mark as Windows-1252 and garbles æ, ø and å. */
export const utf8ByteOrderMark = '\uFEFF';
