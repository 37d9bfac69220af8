/**
 * Mailbox names as people compare them. SOR names are long and alike ("Aarhus Kommune,
 * Socialforvaltningen, …"), and the same name is spelt "Århus" in one system and "Aarhus" in
 * another, so every comparison runs on a normalised form.
 *
 * The trigrams are the ones PostgreSQL's pg_trgm builds (each word padded with two spaces in
 * front and one behind, duplicates dropped), and `postbud_name_key()` in migration 002 normalises
 * the same way, so a pre-selection in SQL agrees with the ranking here.
 */

import { readsTheSame } from './skeleton.ts';

/** Words lower-cased, Danish letters in their two-letter spelling, accents and punctuation gone. */
export function normaliseName(name: string): string {
  return (
    name
      .normalize('NFC')
      .toLowerCase()
      // Before stripping accents: NFD would turn "å" into a plain "a" instead of "aa".
      .replace(/æ/g, 'ae')
      .replace(/ø/g, 'oe')
      .replace(/å/g, 'aa')
      .replace(/ß/g, 'ss')
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
  );
}

function trigrams(name: string): Set<string> {
  const result = new Set<string>();
  for (const word of normaliseName(name).split(' ')) {
    if (word === '') continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) result.add(padded.slice(i, i + 3));
  }
  return result;
}

/** Jaccard similarity of the names' trigram sets, 0 (nothing shared) to 1 (same normalised words). */
export function nameSimilarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  let shared = 0;
  for (const trigram of left) if (right.has(trigram)) shared++;
  const union = left.size + right.size - shared;
  // Two names without a single letter or digit share nothing a reader could tell apart by.
  return union === 0 ? 0 : shared / union;
}

/** Whether a name the user confirmed is the directory's name, ignoring spelling variants. */
export function sameName(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

export const defaultConfusableThreshold = 0.6;

export interface Confusable<T> {
  candidate: T;
  similarity: number;
}

/**
 * Candidates whose name is at least `threshold` similar, most similar first. A name that reads
 * the same as `name` (the same TR39 skeleton, skeleton.ts) counts as fully similar, whatever its letters.
 */
export function findConfusable<T extends { name: string }>(
  name: string,
  candidates: readonly T[],
  threshold = defaultConfusableThreshold,
): Confusable<T>[] {
  return candidates
    .map((candidate) => ({
      candidate,
      similarity: readsTheSame(name, candidate.name) ? 1 : nameSimilarity(name, candidate.name),
    }))
    .filter((match) => match.similarity >= threshold)
    .sort((x, y) => y.similarity - x.similarity || x.candidate.name.localeCompare(y.candidate.name, 'da'));
}

export interface NameDifference {
  /** Words of the first name that the second lacks, as written in the first. */
  onlyInA: string[];
  /** Words of the second name that the first lacks, as written in the second. */
  onlyInB: string[];
}

function words(name: string): string[] {
  return name.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/**
 * The words that tell two names apart, in reading order. Repeated words count: "Voksne Job og
 * Handicap, Socialpsykiatri" against "… Socialpsykiatri og Udsatte Voksne" differs by
 * "og Udsatte Voksne", not only "Udsatte".
 */
export function describeDifference(a: string, b: string): NameDifference {
  return { onlyInA: wordsMissingFrom(words(a), words(b)), onlyInB: wordsMissingFrom(words(b), words(a)) };
}

function wordsMissingFrom(own: string[], other: string[]): string[] {
  const flags = missingFlags(own, other);
  return own.filter((_, i) => flags[i]);
}

/** For each of `own`'s words, whether `other` lacks it (each word of `other` pairs with one of `own`). */
function missingFlags(own: string[], other: string[]): boolean[] {
  const available = new Map<string, number>();
  for (const word of other) {
    const key = normaliseName(word);
    available.set(key, (available.get(key) ?? 0) + 1);
  }
  return own.map((word) => {
    const key = normaliseName(word);
    const count = available.get(key) ?? 0;
    if (count > 0) available.set(key, count - 1);
    return count === 0 && key !== '';
  });
}

export interface NameSegment {
  text: string;
  /** A word the other name lacks (as describeDifference counts); separators never differ. */
  differs: boolean;
}

/** Name `a` cut into its words and the text between them, for showing `a` with the words `b` lacks marked. */
export function nameSegments(a: string, b: string): NameSegment[] {
  const parts = a.split(/([^\p{L}\p{N}]+)/u);
  const flags = missingFlags(
    parts.filter((_, i) => i % 2 === 0 && parts[i] !== ''),
    words(b),
  );
  let word = 0;
  return parts
    .map((text, i) => ({ text, differs: i % 2 === 0 && text !== '' ? flags[word++]! : false }))
    .filter((segment) => segment.text !== '');
}
