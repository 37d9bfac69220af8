/**
 * A request path as it may be logged: no query (search terms), percent-escapes decoded so an
 * encoded number is seen for what it is, every run of ten digits that could be a CPR number
 * (with or without spaces, dots or dashes) replaced, control characters escaped, and the whole
 * kept short. A mistyped or hostile URL must not put a CPR number, or a forged log line, in the logs.
 */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes are logged as sent, still redacted below.
  }
  const redacted = decoded
    .replace(/\p{Nd}/gu, (digit) => (/^[0-9]$/.test(digit.normalize('NFKC')) ? digit.normalize('NFKC') : digit))
    .replace(/(?<![0-9])[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{4}(?![0-9])/g, '[number]')
    .replace(/\p{Cc}/gu, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return redacted.length > 300 ? `${redacted.slice(0, 300)}…` : redacted;
}
