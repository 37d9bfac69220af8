import { ProblemError } from '../platform/problem.ts';

/** What a letter's JSON may look like beyond its schema: hostile shapes are refused before parsing. */
export interface JsonShapeLimits {
  /** Nesting of objects and arrays; a letter needs 4. */
  maxDepth: number;
  /** Object members and array elements together; a letter with ten attachments has about 80. */
  maxMembers: number;
  /** FHIR JSON keeps a primitive's extensions under `_name`. */
  underscoreKeys?: boolean;
}

export const letterJsonShape: Readonly<JsonShapeLimits> = Object.freeze({ maxDepth: 16, maxMembers: 2_000 });

/** A MedCom Bundle nests about 12 deep and, with its narratives, has a few hundred members. */
export const fhirJsonShape: Readonly<JsonShapeLimits> = Object.freeze({
  maxDepth: 32,
  maxMembers: 20_000,
  underscoreKeys: true,
});

export const malformed = (detail: string) => new ProblemError(400, 'body-malformed', 'Malformed request body', detail);

// Keys a schema of ours can have. Anything else (`__proto__`, a CPR, a megabyte, control
// characters) is refused here, before a validation message could name it.
export const keyGrammar = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses a key outside the grammar, or one its object already has; adds it to `keys`. */
export function checkKey(key: string, keys: Set<string>, limits: JsonShapeLimits): void {
  const name = limits.underscoreKeys ? key.replace(/^_/, '') : key;
  if (!keyGrammar.test(name) || forbiddenKeys.has(name)) {
    throw new ProblemError(
      400,
      'body-key-invalid',
      'Unexpected key in request body',
      'Keys are names of up to 64 letters, digits, "_" and "-", starting with a letter.',
    );
  }
  if (keys.has(key))
    throw new ProblemError(
      400,
      'body-duplicate-key',
      'Duplicate key in request body',
      'An object has the same key twice.',
    );
  keys.add(key);
}

export function tooComplex(limits: JsonShapeLimits): ProblemError {
  return new ProblemError(
    400,
    'body-too-complex',
    'Request body too complex',
    `A body may have at most ${limits.maxMembers} members and elements.`,
  );
}

export function tooDeep(limits: JsonShapeLimits): ProblemError {
  return new ProblemError(
    400,
    'body-too-deep',
    'Request body nested too deeply',
    `Objects and arrays may be nested at most ${limits.maxDepth} deep.`,
  );
}

export const nulProblem = () =>
  new ProblemError(400, 'nul-character', 'The request contains a NUL character', 'Remove U+0000 from every field.');

export function tooLarge(limitBytes: number): ProblemError {
  return new ProblemError(
    413,
    'body-too-large',
    'Request body too large',
    `The body may be at most ${limitBytes} bytes.`,
  );
}

export const requestAborted = () => new ProblemError(400, 'request-aborted', 'Request aborted by the client');

// C0 and C1 controls but tab, line feed and carriage return; lone surrogates and non-characters
// that XML 1.0 cannot carry; bidi embeddings, overrides and isolates ("Trojan Source"), which make
// a name or a dose read differently from what is stored.
export const unsafeText = /(?![\t\n\r])\p{Cc}|[\u202a-\u202e\u2066-\u2069\ufffe\uffff]|\p{Cs}/u;
