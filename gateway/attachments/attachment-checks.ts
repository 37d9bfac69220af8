import { createHash, type Hash } from 'node:crypto';
import { attachmentContentTypes, type AttachmentContentType } from '../../schemas/categories.ts';
import { maxAttachments } from '../../schemas/letter.ts';
import { StructureCheck, defaultMaxImagePixels } from './attachment-structure.ts';
import { ProblemError } from '../platform/problem.ts';

/** Byte limits we set ourselves: MedCom's profile sets none, the regional agreement caps the count. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxLetterBytes: number;
  maxCount: number;
  /** Width × height an image may declare; unset means `defaultMaxImagePixels`. */
  maxImagePixels?: number;
}

const mebibyte = 1024 * 1024;
export const defaultAttachmentLimits: Readonly<AttachmentLimits> = Object.freeze({
  maxFileBytes: 20 * mebibyte,
  maxLetterBytes: 50 * mebibyte,
  maxCount: maxAttachments,
  maxImagePixels: defaultMaxImagePixels,
});

/** How many leading bytes the sniffer needs (BMP's header check is the longest). */
export const sniffBytes = 16;

export { attachmentChunkBytes, Rechunker, rechunk } from './rechunk.ts';

export interface AttachmentDigest {
  size: number;
  sha256: string;
}

const startsWith = (head: Buffer, ...bytes: number[]) =>
  head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte);
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

// BITMAPCOREHEADER, BITMAPINFOHEADER and its V2–V5 successors; anything else is not a BMP a receiver can show.
const bmpInfoHeaderSizes = new Set([12, 40, 52, 56, 64, 108, 124]);

function looksLikeBmp(head: Buffer): boolean {
  if (head.length < 16 || !startsWith(head, ...ascii('BM'))) return false;
  const pixelOffset = head.readUInt32LE(10);
  // The info header size is 32 bits at offset 14; its low half fits in 16 bytes and all known sizes are small.
  const infoHeaderSize = head.readUInt16LE(14);
  return bmpInfoHeaderSizes.has(infoHeaderSize) && pixelOffset >= 14 + infoHeaderSize;
}

/**
 * The allowed type the file's magic bytes say it is. A client's declared type is never trusted:
 * a receiver opens attachments by type, so an executable labelled PDF must not get through.
 */
export function sniffContentType(head: Buffer): AttachmentContentType | undefined {
  if (startsWith(head, ...ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, 0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a)) return 'image/png';
  if (startsWith(head, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (startsWith(head, ...ascii('GIF87a')) || startsWith(head, ...ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ...ascii('II'), 0x2a, 0x00) || startsWith(head, ...ascii('MM'), 0x00, 0x2a)) return 'image/tiff';
  if (looksLikeBmp(head)) return 'image/bmp';
  return undefined;
}

export function isAllowedContentType(type: string): type is AttachmentContentType {
  return (attachmentContentTypes as readonly string[]).includes(type);
}

// Invisible characters that reorder or hide text (e.g. "Trojan Source" bidi overrides) and lone
// surrogates or non-characters that XML cannot carry; joiners stay because some scripts need them.
const invisible = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Cs}\ufffe\uffff]/gu;
const fileExtension = /\.(pdf|png|jpe?g|gif|tiff?|bmp)[.\s]*$/i;
const maxTitleLength = 200;
// Device names Windows reserves whatever the extension: a receiver saving "CON.pdf" writes to the console.
const windowsDeviceName = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$/i;

/**
 * The title a receiver will see and may save the attachment under. Clients often send a file
 * name or path; MedCom titles carry no automatic extension, so we keep only the readable name.
 */
export function sanitiseTitle(title: string): string {
  const visible = title
    .normalize('NFC')
    .replace(/[\t\n\v\f\r\u2028\u2029]/g, ' ')
    .replace(invisible, '');
  const lastComponent = visible.split(/[\\/]/).pop() ?? '';
  const name = lastComponent
    .replace(/\s+/g, ' ')
    .replace(fileExtension, '')
    // Leading dots hide files; trailing dots and spaces are dropped by Windows when saving.
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const capped = Array.from(name).slice(0, maxTitleLength).join('').trimEnd();
  if (capped === '') {
    throw new ProblemError(
      422,
      'attachment-title-invalid',
      'Attachment title is invalid',
      'the title is empty once path, control characters and file extension are removed',
    );
  }
  if (windowsDeviceName.test(capped.split('.')[0]!.trimEnd())) {
    throw new ProblemError(
      422,
      'attachment-title-invalid',
      'Attachment title is invalid',
      'the title is a device name reserved by Windows',
    );
  }
  return capped;
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Invalid(detail: string): ProblemError {
  return new ProblemError(422, 'attachment-base64-invalid', 'Attachment data is not valid base64', detail);
}

/**
 * Decodes RFC 4648 base64, allowing the line breaks MIME encoders insert. Node's own decoder
 * silently skips junk and stops at stray padding, which would store a different file than sent.
 */
export function decodeBase64Strict(data: string): Buffer {
  const compact = data.replace(/[ \t\r\n]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw base64Invalid('data may contain only A–Z, a–z, 0–9, "+", "/", line breaks and final "=" padding');
  }
  if (compact.length % 4 !== 0) {
    throw base64Invalid('data length must be a multiple of 4 characters once line breaks are removed');
  }
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    // Unused low bits of the last character must be zero, else two encodings mean the same bytes.
    const last = base64Alphabet.indexOf(compact.charAt(compact.length - padding - 1));
    if (last < 0 || (last & (padding === 2 ? 0x0f : 0x03)) !== 0) {
      throw base64Invalid('the last character before the "=" padding has non-zero unused bits');
    }
  }
  return Buffer.from(compact, 'base64');
}

function typeMismatch(declared: string, detected: AttachmentContentType | undefined): ProblemError {
  return new ProblemError(
    422,
    'attachment-type-mismatch',
    'Attachment content does not match its declared type',
    `declared ${isAllowedContentType(declared) ? declared : 'another type'}, file looks like ${detected ?? 'no allowed type'}`,
  );
}

function fileTooLarge(maxFileBytes: number): ProblemError {
  return new ProblemError(
    413,
    'attachment-too-large',
    'Attachment is too large',
    `an attachment may be at most ${maxFileBytes} bytes`,
  );
}

/** Counts the bytes of all attachments of one letter, whichever way they arrive. */
export class LetterSizeTracker {
  #total = 0;

  constructor(readonly maxLetterBytes: number) {}

  get total(): number {
    return this.#total;
  }

  add(bytes: number): void {
    if (this.#total + bytes > this.maxLetterBytes) {
      throw new ProblemError(
        413,
        'letter-too-large',
        'Letter is too large',
        `the attachments of one letter may be at most ${this.maxLetterBytes} bytes together`,
      );
    }
    this.#total += bytes;
  }
}

/**
 * Checks one attachment while it streams past, so neither the JSON nor the multipart path has to
 * hold a whole file: size, SHA-256, magic bytes and the file's structure (header, image size,
 * trailer), failing as early as the bytes allow.
 */
export class AttachmentInspector {
  readonly #hash: Hash = createHash('sha256');
  readonly #head = Buffer.alloc(sniffBytes);
  #headLength = 0;
  #size = 0;
  #structure: StructureCheck | undefined;
  #declared: string | undefined;
  #sniffed = false;
  #detected: AttachmentContentType | undefined;

  /**
   * An undefined `declaredType` (a JSON attachment whose `contentType` comes after its data)
   * takes the type the magic bytes say for the structure check; `declare` holds it to the real one.
   */
  constructor(
    declaredType: string | undefined,
    readonly limits: Pick<AttachmentLimits, 'maxFileBytes' | 'maxImagePixels'>,
    readonly letter?: LetterSizeTracker,
  ) {
    this.#declared = declaredType;
  }

  get size(): number {
    return this.#size;
  }

  /** Whether the magic bytes have been looked at (and, if the type was declared, checked). */
  get sniffed(): boolean {
    return this.#sniffed;
  }

  /** The declared type, once known; checked at once if the magic bytes have been seen. */
  declare(type: string): void {
    if (this.#declared !== undefined) return;
    this.#declared = type;
    if (this.#sniffed && this.#detected !== type) throw typeMismatch(type, this.#detected);
  }

  update(chunk: Buffer): void {
    if (this.#size + chunk.length > this.limits.maxFileBytes) throw fileTooLarge(this.limits.maxFileBytes);
    this.letter?.add(chunk.length);
    this.#size += chunk.length;
    this.#hash.update(chunk);
    if (this.#structure) {
      this.#structure.update(chunk);
      return;
    }
    const copied = chunk.copy(this.#head, this.#headLength, 0, sniffBytes - this.#headLength);
    this.#headLength += copied;
    // Refuse a mislabelled file after its first bytes rather than after storing all of it.
    if (this.#headLength === sniffBytes) {
      this.#checkType();
      if (copied < chunk.length) this.#structure!.update(chunk.subarray(copied));
    }
  }

  finish(): AttachmentDigest {
    if (this.#size === 0) {
      throw new ProblemError(
        422,
        'attachment-empty',
        'Attachment is empty',
        'an attachment must contain at least one byte',
      );
    }
    if (!this.#structure) this.#checkType();
    this.#structure!.finish(this.#size);
    return { size: this.#size, sha256: this.#hash.digest('hex') };
  }

  /** Checks the magic bytes, then starts the structure check with the bytes seen so far. */
  #checkType(): void {
    const head = this.#head.subarray(0, this.#headLength);
    const detected = sniffContentType(head);
    this.#sniffed = true;
    this.#detected = detected;
    if (detected === undefined || (this.#declared !== undefined && detected !== this.#declared)) {
      throw typeMismatch(this.#declared ?? '', detected);
    }
    this.#structure = new StructureCheck(detected, this.limits.maxImagePixels ?? defaultMaxImagePixels);
    this.#structure.update(head);
  }
}
