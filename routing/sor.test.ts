import { describe, expect, it } from 'vitest';
import { isValidSorId } from './sor.ts';

describe('SOR ids', () => {
  it('accepts 11 to 18 digits, such as the MedCom example 265161000016000', () => {
    expect(isValidSorId('265161000016000')).toBe(true);
    expect(isValidSorId('12345678901')).toBe(true);
    expect(isValidSorId('123456789012345678')).toBe(true);
  });

  it('refuses ids under 11 digits (dk-core min-digits-sor), too long and non-digit ids', () => {
    expect(isValidSorId('123456')).toBe(false);
    expect(isValidSorId('1234567890')).toBe(false);
    expect(isValidSorId('1234567890123456789')).toBe(false);
    expect(isValidSorId('26516100001600O')).toBe(false);
    expect(isValidSorId('265161000016000\n')).toBe(false);
  });
});
