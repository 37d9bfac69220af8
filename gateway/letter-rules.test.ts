import { describe, expect, it } from 'vitest';
import { checkLetterRules, isValidCpr, maskCpr } from './letter-rules.ts';
import type { LetterEnvelope } from '../schemas/letter.ts';

const letter = (overrides: Partial<LetterEnvelope> = {}): LetterEnvelope => ({
  sender: { sorId: '265161000016000' },
  recipient: { sorId: '123451000016001' },
  patient: { cpr: '2509479989', name: { given: 'Nancy', family: 'Berggren' } },
  category: 'psychiatry-social-disability',
  text: 'Hej',
  author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
  ...overrides,
});

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
  it('accepts replacement CPRs with 60 added to the day', () => {
    expect(isValidCpr('8509479989')).toBe(true);
  });
  it('masks as DDMMYY-xxxx', () => {
    expect(maskCpr('250947-9989')).toBe('250947-xxxx');
  });
});

describe('CareCommunication rules', () => {
  it('requires a topic for category other', () => {
    expect(() => checkLetterRules(letter({ category: 'other' }))).toThrow(expect.objectContaining({ code: 'topic-required' }));
    expect(() => checkLetterRules(letter({ category: 'other', topic: 'Aftale' }))).not.toThrow();
  });
  it('allows priority only for regarding-referral', () => {
    expect(() => checkLetterRules(letter({ priority: 'asap' }))).toThrow(expect.objectContaining({ code: 'priority-not-allowed' }));
    expect(() => checkLetterRules(letter({ category: 'regarding-referral', priority: 'asap' }))).not.toThrow();
  });
  it('refuses an invalid CPR with a detail that does not echo it', () => {
    try {
      checkLetterRules(letter({ patient: { cpr: '3199999999', name: { given: 'A', family: 'B' } } }));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'cpr-invalid', status: 422 });
      expect(JSON.stringify(error)).not.toContain('3199999999');
    }
  });
});
