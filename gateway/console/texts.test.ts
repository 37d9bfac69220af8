import { describe, expect, it } from 'vitest';
import { languages, textsFor } from './texts.ts';

describe('console texts', () => {
  it('every language has every text, none empty, and Danish and English differ where words do', () => {
    const [da, en] = languages.map(textsFor);
    expect(Object.keys(en!).sort()).toEqual(Object.keys(da!).sort());
    for (const language of languages) {
      for (const [key, text] of Object.entries(textsFor(language))) {
        const sample = typeof text === 'function' ? (text as (...args: unknown[]) => string)(2, 3) : text;
        expect(sample.trim(), `${language}.${key}`).not.toBe('');
      }
    }
    expect(da!.signInButton).toBe('Log ind');
    expect(en!.signInButton).toBe('Sign in');
  });
});
