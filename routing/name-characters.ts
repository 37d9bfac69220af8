/**
 * What a mailbox name may not contain, because it would read as something other than what it
 * is: control characters, bidi embeddings, overrides and isolates ("Trojan Source"), invisible
 * characters (zero-width space, joiners, word joiner, soft hyphen, BOM), and words that mix Latin
 * with Cyrillic or Greek letters (a Cyrillic "о" in "Socialpsykiatri" is a different mailbox
 * that looks the same). Danish names are Latin; a name wholly in another script is left alone.
 */
const control = /\p{Cc}/u;
const bidi = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const invisible = /[\u00ad\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0]|\u034f|\u17b4|\u17b5/u;

function mixesScripts(word: string): boolean {
  const latin = /\p{Script=Latin}/u.test(word);
  return latin && (/\p{Script=Cyrillic}/u.test(word) || /\p{Script=Greek}/u.test(word));
}

/** Why `name` cannot be a mailbox name, or undefined when it can. Never quotes the name. */
export function nameCharacterProblem(name: string): string | undefined {
  if (control.test(name)) return 'contains control characters';
  if (bidi.test(name)) return 'contains bidirectional control characters';
  if (invisible.test(name)) return 'contains invisible characters';
  if (name.split(/[\s,.;:()/-]+/u).some(mixesScripts)) return 'mixes Latin with Cyrillic or Greek letters in one word';
  return undefined;
}
