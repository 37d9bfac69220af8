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

/**
 * A CPR's first six digits must be a real date. The modulus-11 check is deliberately not made:
 * numbers issued since 2007 may fail it. Replacement CPRs add 60 to the day, so those pass too.
 */
export function isValidCpr(cpr: string): boolean {
  const digits = normaliseCpr(cpr);
  if (!/^\d{10}$/.test(digits)) return false;
  let day = Number(digits.slice(0, 2));
  if (day > 60) day -= 60;
  const month = Number(digits.slice(2, 4));
  const year = birthYear(Number(digits.slice(4, 6)), Number(digits[6]));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Shows a CPR to operators and auditors as DDMMYY-xxxx, never in full. */
export function maskCpr(cpr: string): string {
  return `${normaliseCpr(cpr).slice(0, 6)}-xxxx`;
}
