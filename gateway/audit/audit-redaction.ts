import { isValidCpr, maskCpr } from '../medcom/cpr.ts';

// Ten digits standing alone, written together or grouped as 6+4 or 2+2+2+4 with a space, dot or
// dash between groups: SOR ids (15 digits) and EANs (13) never match.
const cprLike =
  /(?<![0-9])([0-9]{2})[ .\-\u2010\u2011\u2012\u2013]?([0-9]{2})[ .\-\u2010\u2011\u2012\u2013]?([0-9]{2})[ .\-\u2010\u2011\u2012\u2013]?([0-9]{4})(?![0-9])/g;

/** Digits of other scripts (full-width ０–９, mathematical 𝟎–𝟗, …) as ASCII, so they are masked too. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const folded = digit.normalize('NFKC');
    return /^[0-9]$/.test(folded) ? folded : digit;
  });
}

/**
 * Replaces every valid-looking CPR number in free text, however it is written, with
 * DDMMYY-xxxx. Digits of other scripts come back as ASCII digits.
 */
export function maskCprsInText(text: string): string {
  return asciiDigits(text).replace(cprLike, (found, dd: string, mm: string, yy: string, serial: string) => {
    const digits = `${dd}${mm}${yy}${serial}`;
    return isValidCpr(digits) ? maskCpr(digits) : found;
  });
}

/**
 * A copy of `value` with CPR numbers masked in every string. Audit details are built to hold
 * no CPR, but some carry free text from receiving clerks (acknowledgement and misroute notes),
 * and an auditor's answer must never show a full CPR even when a clerk typed one.
 */
export function maskCprs<T>(value: T): { value: T; masked: boolean } {
  let masked = false;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const safe = maskCprsInText(item);
      if (safe !== item) masked = true;
      return safe;
    }
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item as Record<string, unknown>).map(([key, inner]) => [walk(key) as string, walk(inner)]),
      );
    }
    return item;
  };
  const result = walk(value) as T;
  return { value: result, masked };
}

/**
 * A copy of `value` without mailbox delivery endpoints: operator data (where the adapters POST
 * patient data, perhaps with a token in its path) that only admins see.
 */
export function withoutOperatorData<T>(value: T): { value: T; removed: boolean } {
  let removed = false;
  const strip = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(strip);
    if (item && typeof item === 'object')
      return Object.fromEntries(
        Object.entries(item as Record<string, unknown>).flatMap(([key, inner]) => {
          if (key !== 'endpoint') return [[key, strip(inner)]];
          removed = true;
          return [];
        }),
      );
    return item;
  };
  return { value: strip(value) as T, removed };
}
