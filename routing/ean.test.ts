import { describe, expect, it } from 'vitest';
import { eanCheckDigit, isValidEan } from './ean.ts';

describe('EAN location numbers', () => {
  it('accepts the MedCom example 5790000209354', () => {
    expect(eanCheckDigit('579000020935')).toBe(4);
    expect(isValidEan('5790000209354')).toBe(true);
  });

  it('accepts numbers whose check digit is 0', () => {
    // Weighted sum 5·1 + 7·3 + 9·1 + 5·3 = 50, already a multiple of ten.
    expect(eanCheckDigit('579000000005')).toBe(0);
    expect(isValidEan('5790000000050')).toBe(true);
    expect(isValidEan('0000000000000')).toBe(true);
  });

  it('refuses a mistyped digit and swapped neighbours', () => {
    expect(isValidEan('5790000209355')).toBe(false);
    expect(isValidEan('5790000290354')).toBe(false);
  });

  it('refuses anything but thirteen digits', () => {
    expect(isValidEan('579000020935')).toBe(false);
    expect(isValidEan('57900002093540')).toBe(false);
    expect(isValidEan('579000020935A')).toBe(false);
    expect(isValidEan(' 5790000209354')).toBe(false);
    expect(isValidEan('')).toBe(false);
  });

  it('needs exactly twelve digits to compute a check digit', () => {
    expect(() => eanCheckDigit('57900002093')).toThrow(RangeError);
    expect(() => eanCheckDigit('57900002093x')).toThrow(RangeError);
  });
});
