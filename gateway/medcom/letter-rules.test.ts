import { describe, expect, it } from 'vitest';
import { checkLetterRules } from './letter-rules.ts';
import type { LetterEnvelope } from '../../schemas/letter.ts';

const letter = (overrides: Partial<LetterEnvelope> = {}): LetterEnvelope => ({
  sender: { sorId: '265161000016000' },
  recipient: { sorId: '123451000016001' },
  patient: { cpr: '2509479989', name: { given: 'Nancy', family: 'Berggren' } },
  category: 'psychiatry-social-disability',
  text: 'Hej',
  author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
  ...overrides,
});

describe('CareCommunication rules', () => {
  it('requires a topic for category other', () => {
    expect(() => checkLetterRules(letter({ category: 'other' }))).toThrow(
      expect.objectContaining({ code: 'topic-required' }),
    );
    expect(() => checkLetterRules(letter({ category: 'other', topic: 'Aftale' }))).not.toThrow();
  });
  it('allows priority only for regarding-referral', () => {
    expect(() => checkLetterRules(letter({ priority: 'asap' }))).toThrow(
      expect.objectContaining({ code: 'priority-not-allowed' }),
    );
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
