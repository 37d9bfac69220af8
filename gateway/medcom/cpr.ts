/** CPR numbers (DDMMYYSSSS): normalising, checking the date part, masking for auditors. */

/** CPR without the dash: ten digits. */
export function normaliseCpr(cpr: string): string {
  return cpr.replace('-', '');
}

/** The full year of a CPR's birth date: the 7th digit with the two-digit year gives the century. */
function birthYear(yy: number, seventh: number): number {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

function isRealDate(day: number, month: number, year: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * What ten digits are as a CPR: `cpr` when the first six are a real date, `replacement-form`
 * when they are one with 60 added to the day (an old way of making replacement CPRs, which
 * dk-core forbids under the CPR system), otherwise `invalid`. The modulus-11 check is
 * deliberately not made: numbers issued since 2007 may fail it.
 */
export function cprForm(cpr: string): 'cpr' | 'replacement-form' | 'invalid' {
  const digits = normaliseCpr(cpr);
  if (!/^\d{10}$/.test(digits)) return 'invalid';
  const day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const year = birthYear(Number(digits.slice(4, 6)), Number(digits[6]));
  if (isRealDate(day, month, year)) return 'cpr';
  return day > 60 && isRealDate(day - 60, month, year) ? 'replacement-form' : 'invalid';
}

/**
 * Whether ten digits look like a CPR, the replacement form included: what masking and the
 * auditors' search go by, so that nothing CPR-like escapes them.
 */
export function isValidCpr(cpr: string): boolean {
  return cprForm(cpr) !== 'invalid';
}

/** Shows a CPR to operators and auditors as DDMMYY-xxxx, never in full. */
export function maskCpr(cpr: string): string {
  return `${normaliseCpr(cpr).slice(0, 6)}-xxxx`;
}
