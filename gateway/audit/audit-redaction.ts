import { isValidCpr, maskCpr } from '../medcom/cpr.ts';

// Ten digits (or six, dash, four) standing alone: SOR ids (15 digits) and EANs (13) never match.
const cprLike = /(?<![0-9])([0-9]{6})-?([0-9]{4})(?![0-9])/g;

/** Replaces every valid-looking CPR number in free text with DDMMYY-xxxx. */
export function maskCprsInText(text: string): string {
  return text.replace(cprLike, (found) => (isValidCpr(found) ? maskCpr(found) : found));
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
