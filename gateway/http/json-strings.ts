import { unsafeText } from './json-rules.ts';

export type JsonPath = ReadonlyArray<string | number>;

/**
 * Takes the content of chosen string values as it arrives instead of the parser building the
 * string (a letter's base64 attachments). `write` gets the value's characters as UTF-8, escapes
 * already decoded; `close` answers what the value stands for in the parsed document.
 */
export interface StreamedStrings {
  accepts(path: JsonPath): boolean;
  /** `container` is the object or array the string is a member of, as far as it has arrived. */
  open(path: JsonPath, container: object): void;
  write(bytes: Buffer): void;
  close(): unknown;
}

/**
 * Longer than any string a letter's schema allows (100,000 characters of at most 4 bytes): of a
 * longer string only this much is kept, so the schema still refuses it as it would the whole.
 */
export const maxKeptStringBytes = 512 * 1024;

/**
 * A key or string value being parsed: its raw UTF-8 runs and decoded escapes, joined when it
 * closes. Past `maxKeptStringBytes` the rest is checked and dropped rather than kept; if the
 * dropped part had a character the text check refuses, the kept part ends with one, so
 * `assertSafeText` answers as it would for the whole string.
 */
export class BuiltString {
  /** Bytes of the string's JSON text that were checked and dropped. */
  dropped = 0;
  #run: Buffer[] = [];
  #text = '';
  #kept = 0;
  #tail: TextDecoder | undefined;
  #tailUnsafe = false;
  #pendingHigh = '';

  /** A run of plain bytes (never cut inside a character: runs end at a quote or backslash). */
  bytes(bytes: Buffer): void {
    let rest = bytes;
    if (!this.#tail) {
      const room = maxKeptStringBytes - this.#kept;
      if (bytes.length <= room) {
        this.#run.push(bytes);
        this.#kept += bytes.length;
        return;
      }
      let cut = room;
      while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut -= 1; // not inside a character
      this.#run.push(bytes.subarray(0, cut));
      this.#kept += cut;
      this.#tail = new TextDecoder('utf-8');
      rest = bytes.subarray(cut);
    }
    this.dropped += rest.length;
    this.#checkDropped(this.#tail.decode(rest, { stream: true }));
  }

  /** A character from an escape of `escapeBytes` bytes. */
  character(character: string, escapeBytes: number): void {
    if (this.#tail) {
      this.dropped += escapeBytes;
      this.#checkDropped(character);
      return;
    }
    this.#flushRun();
    this.#text += character;
    this.#kept += character.length;
  }

  finish(): string {
    this.#flushRun();
    if (this.#tail) {
      this.#checkDropped(this.#tail.decode(), true);
      // A stand-in the text check refuses, where the dropped part had what it refuses.
      if (this.#tailUnsafe) this.#text += '\u202e';
      this.#tail = undefined;
    }
    return this.#text;
  }

  #flushRun(): void {
    if (this.#run.length > 0) this.#text += Buffer.concat(this.#run).toString('utf8');
    this.#run = [];
  }

  #checkDropped(text: string, last = false): void {
    let checked = this.#pendingHigh + text;
    this.#pendingHigh = '';
    const end = checked.charCodeAt(checked.length - 1);
    if (!last && end >= 0xd800 && end <= 0xdbff) {
      this.#pendingHigh = checked.slice(-1); // its low half may come in the next piece
      checked = checked.slice(0, -1);
    }
    if (unsafeText.test(checked)) this.#tailUnsafe = true;
  }
}
