import { describe, expect, it } from 'vitest';
import { nameCharacterProblem } from './name-characters.ts';

describe('mailbox names that read as something else', () => {
  it.each([
    ['a Cyrillic о in a Danish word', 'Aarhus Kommune, S\u043ecialpsykiatri', /Cyrillic/],
    ['a Greek ο', 'Sundhedspleje Aabenra\u03bf', /Greek/],
    ['a right-to-left override', 'Psykiatri \u202eNORD', /bidirectional/],
    ['a zero-width space', 'Socialpsy\u200bkiatri', /invisible/],
    ['a soft hyphen', 'Social\u00adpsykiatri', /invisible/],
    ['a word joiner', 'Hjemme\u2060plejen', /invisible/],
    ['a line break', 'Hjemmeplejen\nNord', /control/],
  ])('refuses %s', (_what, name, why) => {
    expect(nameCharacterProblem(name)).toMatch(why);
  });

  it.each([
    'Aarhus Kommune, Socialforvaltningen, Voksne, Job og Handicap, Socialpsykiatri',
    'Æblehaven Ø-plejen, Århus',
    'Klinik for Ældresygdomme, AUH, Skejby',
    'Lægehuset Østerbro (2. sal)',
    'Поликлиника', // wholly Cyrillic: not a look-alike of a Danish name
  ])('takes %s', (name) => {
    expect(nameCharacterProblem(name)).toBeUndefined();
  });
});
