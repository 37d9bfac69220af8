import { describe, expect, it } from 'vitest';
import { describeDifference, findConfusable, nameSegments, nameSimilarity, normaliseName, sameName } from './names.ts';

const socialpsykiatri = 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri';
const udsatteVoksne = 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri og Udsatte Voksne';

describe('normalising a mailbox name', () => {
  it('lower-cases, drops punctuation and collapses white space', () => {
    expect(normaliseName('  Aarhus Kommune,   Sundhed-og Omsorg. ')).toBe('aarhus kommune sundhed og omsorg');
  });

  it('spells Æ, Ø and Å the way the older systems do, so both spellings meet', () => {
    expect(normaliseName('Århus Sygehus, Børne- og Ungeafdeling, Ærø')).toBe(
      'aarhus sygehus boerne og ungeafdeling aeroe',
    );
    expect(sameName('Aabenraa Kommune', 'Åbenrå kommune')).toBe(true);
    expect(sameName('Boerne og Unge', 'Børne og unge')).toBe(true);
    expect(sameName('Aeldrepleje', 'Ældrepleje')).toBe(true);
  });

  it('keeps Å as "aa" even when it arrives decomposed, and drops other accents', () => {
    expect(normaliseName('A\u030Arhus')).toBe('aarhus');
    expect(normaliseName('Café Héle')).toBe('cafe hele');
  });

  it('tells different names apart', () => {
    expect(sameName(socialpsykiatri, udsatteVoksne)).toBe(false);
  });
});

describe('name similarity', () => {
  it('is 1 for the same name spelt differently and 0 for nothing in common', () => {
    expect(nameSimilarity('Århus Kommune', 'AARHUS KOMMUNE')).toBe(1);
    expect(nameSimilarity('Viborg', 'Skive')).toBe(0);
    expect(nameSimilarity('', '')).toBe(0);
  });

  it('is symmetric and between 0 and 1', () => {
    const forward = nameSimilarity(socialpsykiatri, udsatteVoksne);
    expect(forward).toBe(nameSimilarity(udsatteVoksne, socialpsykiatri));
    expect(forward).toBeGreaterThan(0);
    expect(forward).toBeLessThan(1);
  });

  it('rates the two Aarhus social psychiatry mailboxes of the seed case as confusable', () => {
    expect(nameSimilarity(socialpsykiatri, udsatteVoksne)).toBeGreaterThanOrEqual(0.6);
  });

  it('counts trigrams the way pg_trgm does: padded words, duplicates once', () => {
    // "ab": "  a", " ab", "ab "; "aab": "  a", " aa", "aab", "ab " → 2 shared of 5.
    expect(nameSimilarity('ab', 'aab')).toBeCloseTo(2 / 5);
    expect(nameSimilarity('ab ab', 'ab')).toBe(1);
  });
});

describe('finding look-alikes', () => {
  const directory = [
    { sorId: '1', name: udsatteVoksne },
    { sorId: '2', name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap' },
    { sorId: '3', name: 'Silkeborg Kommune, Sundhed og Omsorg' },
    { sorId: '4', name: 'Region Midtjylland, Aarhus Universitetshospital, Akutafdelingen' },
  ];

  it('lists the similar names, most similar first, and leaves the rest out', () => {
    const found = findConfusable(socialpsykiatri, directory);
    expect(found.map((match) => match.candidate.sorId)).toEqual(['1', '2']);
    expect(found[0]!.similarity).toBeGreaterThanOrEqual(found[1]!.similarity);
    expect(found.every((match) => match.similarity >= 0.6)).toBe(true);
  });

  it('counts a name that reads the same (TR39 skeleton) as fully similar, however few trigrams it shares', () => {
    const name = 'Aarhus Kommune';
    const lookalike = { sorId: '5', name: 'Aarhus Kornrnune' };
    expect(nameSimilarity(name, lookalike.name)).toBeLessThan(0.6);
    expect(findConfusable(name, [lookalike])).toEqual([{ candidate: lookalike, similarity: 1 }]);
  });

  it('honours a stricter threshold', () => {
    // The seed pair scores about 0.89, the parent department about 0.85.
    const strict = findConfusable(socialpsykiatri, directory, 0.87);
    expect(strict.map((match) => match.candidate.sorId)).toEqual(['1']);
    expect(findConfusable(socialpsykiatri, directory, 0.99)).toEqual([]);
  });
});

describe('how two names differ, in plain words', () => {
  it('names the words only one of the seed names has, repeated words included', () => {
    expect(describeDifference(socialpsykiatri, udsatteVoksne)).toEqual({
      onlyInA: [],
      onlyInB: ['og', 'Udsatte', 'Voksne'],
    });
  });

  it('reports words on both sides as written, ignoring spelling variants and punctuation', () => {
    expect(describeDifference('Århus Kommune, Børn og Unge', 'Aarhus kommune - Ældre')).toEqual({
      onlyInA: ['Børn', 'og', 'Unge'],
      onlyInB: ['Ældre'],
    });
  });

  it('finds no difference between spellings of one name', () => {
    expect(describeDifference('Åbenrå Kommune', 'Aabenraa kommune')).toEqual({ onlyInA: [], onlyInB: [] });
  });
});

describe('a name cut into words for marking what differs', () => {
  const marked = (a: string, b: string) =>
    nameSegments(a, b)
      .map((segment) => (segment.differs ? `[${segment.text}]` : segment.text))
      .join('');

  it('keeps the name as written and marks exactly the words describeDifference names', () => {
    expect(marked(udsatteVoksne, socialpsykiatri)).toBe(
      'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri [og] [Udsatte] [Voksne]',
    );
    expect(marked(socialpsykiatri, udsatteVoksne)).toBe(socialpsykiatri);
    expect(marked('Århus Kommune, Børn og Unge', 'Aarhus kommune - Ældre')).toBe('Århus Kommune, [Børn] [og] [Unge]');
  });

  it('marks nothing between spellings of one name, and everything against an empty one', () => {
    expect(marked('Åbenrå Kommune', 'Aabenraa kommune')).toBe('Åbenrå Kommune');
    expect(marked('(Lægerne i Testby)', '')).toBe('([Lægerne] [i] [Testby])');
  });
});
