import { describe, expect, it } from 'vitest';
import { cprForm, isValidCpr, maskCpr } from './cpr.ts';

describe('CPR numbers', () => {
  it('accepts a valid date with or without a dash and ignores modulus 11', () => {
    expect(isValidCpr('2509479989')).toBe(true);
    expect(isValidCpr('250947-9989')).toBe(true);
    expect(isValidCpr('0101001234')).toBe(true);
  });
  it('refuses impossible dates and wrong lengths', () => {
    expect(isValidCpr('3102901234')).toBe(false);
    expect(isValidCpr('0013901234')).toBe(false);
    expect(isValidCpr('250947998')).toBe(false);
  });
  it('uses the 7th digit for the century: 29 February exists in 2000 but not in 1900', () => {
    expect(isValidCpr('2902004000')).toBe(true);
    expect(isValidCpr('2902002000')).toBe(false);
  });
  it('tells the replacement form (60 added to the day) from a CPR, and still masks it as CPR-like', () => {
    expect(cprForm('2509479989')).toBe('cpr');
    expect(cprForm('8509479989')).toBe('replacement-form');
    expect(cprForm('9101901234')).toBe('replacement-form');
    expect(cprForm('9202901234')).toBe('invalid');
    expect(cprForm('3199999999')).toBe('invalid');
    expect(isValidCpr('8509479989')).toBe(true);
  });
  it('masks as DDMMYY-xxxx', () => {
    expect(maskCpr('250947-9989')).toBe('250947-xxxx');
  });
});
