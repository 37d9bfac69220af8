import {
  checkKey,
  letterJsonShape,
  malformed,
  nulProblem,
  tooComplex,
  tooDeep,
  type JsonShapeLimits,
} from './json-rules.ts';
import { BuiltString, type JsonPath, type StreamedStrings } from './json-strings.ts';

export type { JsonPath, StreamedStrings } from './json-strings.ts';
import { ProblemError } from '../platform/problem.ts';

interface Frame {
  value: Record<string, unknown> | unknown[];
  keys: Set<string> | undefined;
  key: string;
  path: JsonPath;
}

const enum State {
  Value,
  ObjectFirst,
  ObjectKey,
  Colon,
  After,
  ArrayFirst,
  String,
  Escape,
  Unicode,
  Number,
  Literal,
  Done,
}

// The characters after a backslash, and what they stand for.
const escapeLetters = '"\\/bfnrt';
const escaped = '"\\/\b\f\n\r\t';
const literals: Record<string, unknown> = { true: true, false: false, null: null };
const numberGrammar = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
const isNumberByte = (byte: number) =>
  (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x45 || byte === 0x65;
const isLetter = (byte: number) => byte >= 0x61 && byte <= 0x7a;
/** Where a value that starts now in `frame` sits in the document. */
const childPath = (frame: Frame | undefined): JsonPath =>
  frame ? [...frame.path, frame.keys ? frame.key : (frame.value as unknown[]).length] : [];
const notJson = () => malformed('The body is not valid JSON.');
const bom = [0xef, 0xbb, 0xbf];

/**
 * Parses JSON text chunk by chunk, with the guarantees of `parseStrictJson`: strict UTF-8,
 * duplicate and ungrammatical keys refused, depth and member limits, no NUL in any value. Only
 * what is not streamed is held: the bytes outside streamed strings are capped at `maxHeldBytes`.
 */
export class JsonStreamParser {
  readonly #utf8 = new TextDecoder('utf-8', { fatal: true });
  readonly #frames: Frame[] = [];
  #state: State = State.Value;
  #root: unknown;
  #members = 0;
  #total = 0;
  #streamedBytes = 0;
  // Bytes of over-long strings that were checked and dropped rather than kept.
  #droppedBytes = 0;
  // The string being read: a key, a built value, or a streamed value (then #built is undefined).
  #stringKind: 'key' | 'value' | 'streamed' = 'value';
  #built: BuiltString | undefined;
  #hex = '';
  #token = '';
  // Bytes of a leading byte order mark seen so far; -1 once the body is past where one could be.
  #bomMatched = 0;

  constructor(
    private readonly limits: JsonShapeLimits = letterJsonShape,
    private readonly maxHeldBytes: number = Number.POSITIVE_INFINITY,
    private readonly streamed?: StreamedStrings,
  ) {}

  write(chunk: Buffer): void {
    let at = 0;
    // A leading byte order mark is dropped, as TextDecoder drops it for the buffered path.
    if (this.#bomMatched >= 0) {
      while (at < chunk.length && this.#bomMatched < bom.length && chunk[at] === bom[this.#bomMatched]) {
        at += 1;
        this.#bomMatched += 1;
      }
      if (this.#bomMatched === bom.length || at < chunk.length) {
        if (this.#bomMatched > 0 && this.#bomMatched < bom.length) throw notJson();
        this.#bomMatched = -1;
      }
    }
    try {
      this.#utf8.decode(chunk, { stream: true });
    } catch {
      throw malformed('The body is not valid UTF-8.');
    }
    this.#total += chunk.length;
    for (; at < chunk.length; at += 1) at = this.#step(chunk, at);
    const dropped = this.#droppedBytes + (this.#built?.dropped ?? 0);
    if (this.#total - this.#streamedBytes - dropped > this.maxHeldBytes) this.#tooMuchHeld();
  }

  /** The parsed document, once the body has ended. */
  end(): unknown {
    try {
      this.#utf8.decode();
    } catch {
      throw malformed('The body is not valid UTF-8.');
    }
    if (this.#total === 0)
      throw new ProblemError(400, 'body-empty', 'Request body is empty', 'Send the letter as a JSON object.');
    if (this.#state === State.Number || this.#state === State.Literal) this.#finishToken();
    if (this.#state !== State.Done || this.#bomMatched > 0) throw notJson();
    return this.#root;
  }

  #tooMuchHeld(): never {
    throw new ProblemError(
      413,
      'body-too-large',
      'Request body too large',
      `The letter without its attachment data may be at most ${this.maxHeldBytes} bytes.`,
    );
  }

  /** Consumes the byte at `at` (or a run of string bytes from it); answers the last index consumed. */
  #step(chunk: Buffer, at: number): number {
    const byte = chunk[at]!;
    switch (this.#state) {
      case State.String:
        return this.#stringBytes(chunk, at);
      case State.Escape:
        return this.#escape(byte, at);
      case State.Unicode:
        this.#hex += String.fromCharCode(byte);
        if (!/^[0-9a-fA-F]{1,4}$/.test(this.#hex)) throw notJson();
        if (this.#hex.length === 4) this.#unicode(Number.parseInt(this.#hex, 16));
        return at;
      case State.Number:
      case State.Literal:
        if (this.#state === State.Number ? isNumberByte(byte) : isLetter(byte)) {
          this.#token += String.fromCharCode(byte);
          return at;
        }
        this.#finishToken();
        return this.#step(chunk, at);
      default:
        if (isWhitespace(byte)) return at;
        this.#structural(byte);
        return at;
    }
  }

  #structural(byte: number): void {
    const frame = this.#frames.at(-1);
    switch (this.#state) {
      case State.ObjectFirst:
      case State.ObjectKey:
        if (byte === 0x7d && this.#state === State.ObjectFirst) return this.#close();
        if (byte !== 0x22) throw notJson();
        this.#openString('key');
        return;
      case State.Colon:
        if (byte !== 0x3a) throw notJson();
        this.#state = State.Value;
        return;
      case State.After:
        if (byte === 0x2c && frame) {
          if (frame.keys) this.#state = State.ObjectKey;
          else {
            this.#countMember();
            this.#state = State.Value;
          }
          return;
        }
        if ((byte === 0x7d && frame?.keys) || (byte === 0x5d && frame && !frame.keys)) return this.#close();
        throw notJson();
      case State.ArrayFirst:
        if (byte === 0x5d) return this.#close();
        this.#countMember();
        this.#state = State.Value;
        return this.#value(byte);
      case State.Value:
        return this.#value(byte);
      default:
        throw notJson(); // Done: nothing may follow the document
    }
  }

  #value(byte: number): void {
    if (byte === 0x7b || byte === 0x5b) {
      const frame = this.#frames.at(-1);
      const path = childPath(frame);
      this.#frames.push({ value: byte === 0x7b ? {} : [], keys: byte === 0x7b ? new Set() : undefined, key: '', path });
      if (this.#frames.length > this.limits.maxDepth) throw tooDeep(this.limits);
      this.#state = byte === 0x7b ? State.ObjectFirst : State.ArrayFirst;
    } else if (byte === 0x22) {
      const frame = this.#frames.at(-1);
      const path = childPath(frame);
      if (frame && this.streamed?.accepts(path)) {
        this.streamed.open(path, frame.value);
        this.#openString('streamed');
      } else this.#openString('value');
    } else if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
      this.#token = String.fromCharCode(byte);
      this.#state = State.Number;
    } else if (isLetter(byte)) {
      this.#token = String.fromCharCode(byte);
      this.#state = State.Literal;
    } else throw notJson();
  }

  #openString(kind: 'key' | 'value' | 'streamed'): void {
    this.#stringKind = kind;
    this.#built = kind === 'streamed' ? undefined : new BuiltString();
    this.#state = State.String;
  }

  /** A run of plain string bytes up to the next quote, backslash or control character. */
  #stringBytes(chunk: Buffer, from: number): number {
    let at = from;
    for (; at < chunk.length; at += 1) {
      const byte = chunk[at]!;
      if (byte === 0x22 || byte === 0x5c || byte < 0x20) break;
    }
    if (at > from && this.#stringKind === 'streamed') {
      this.#streamedBytes += at - from;
      this.streamed!.write(chunk.subarray(from, at));
    } else if (at > from) this.#built!.bytes(chunk.subarray(from, at));
    if (at === chunk.length) return at - 1;
    const byte = chunk[at]!;
    if (byte < 0x20) throw notJson();
    if (byte === 0x5c) this.#state = State.Escape;
    else this.#closeString();
    return at;
  }

  #escape(byte: number, at: number): number {
    if (byte === 0x75) {
      this.#hex = '';
      this.#state = State.Unicode;
      return at;
    }
    const index = escapeLetters.indexOf(String.fromCharCode(byte));
    if (index === -1) throw notJson();
    this.#character(escaped.charAt(index), 2);
    return at;
  }

  #unicode(code: number): void {
    // A key with a NUL is refused by the key grammar, as the buffered path does.
    if (code === 0 && this.#stringKind !== 'key') throw nulProblem();
    this.#character(String.fromCharCode(code), 6);
  }

  #character(character: string, escapeBytes: number): void {
    if (this.#built) this.#built.character(character, escapeBytes);
    else {
      // Escapes inside a streamed value count as streamed (PHP writes every "/" of base64 as "\\/").
      this.#streamedBytes += escapeBytes;
      this.streamed!.write(Buffer.from(character, 'utf8'));
    }
    this.#state = State.String;
  }

  #closeString(): void {
    const frame = this.#frames.at(-1);
    const built = this.#built;
    this.#built = undefined;
    if (!built) return this.#put(this.streamed!.close());
    const text = built.finish();
    this.#droppedBytes += built.dropped;
    if (this.#stringKind === 'key') {
      checkKey(text, frame!.keys!, this.limits);
      this.#countMember();
      frame!.key = text;
      this.#state = State.Colon;
      return;
    }
    this.#put(text);
  }

  #finishToken(): void {
    const token = this.#token;
    this.#token = '';
    if (this.#state === State.Literal) {
      if (!(token in literals)) throw notJson();
      return this.#put(literals[token]);
    }
    if (!numberGrammar.test(token)) throw notJson();
    this.#put(Number(token));
  }

  #put(value: unknown): void {
    const frame = this.#frames.at(-1);
    if (!frame) {
      this.#root = value;
      this.#state = State.Done;
    } else {
      if (frame.keys) (frame.value as Record<string, unknown>)[frame.key] = value;
      else (frame.value as unknown[]).push(value);
      this.#state = State.After;
    }
  }

  #close(): void {
    const frame = this.#frames.pop()!;
    this.#put(frame.value);
  }

  #countMember(): void {
    this.#members += 1;
    if (this.#members > this.limits.maxMembers) throw tooComplex(this.limits);
  }
}
