import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { maxAttachments } from '../../schemas/letter.ts';
import {
  AttachmentInspector,
  LetterSizeTracker,
  Rechunker,
  attachmentChunkBytes,
  type AttachmentDigest,
  type AttachmentLimits,
} from '../attachments/attachment-checks.ts';
import { Base64StreamDecoder } from '../attachments/base64-stream.ts';
import { readStreaming } from '../http/body-stream.ts';
import { discardRest } from '../http/request-drain.ts';
import { assertPlainUtf8, assertSafeText, letterTextSkipped } from '../http/json-body.ts';
import { letterJsonShape } from '../http/json-rules.ts';
import { JsonStreamParser, type JsonPath, type StreamedStrings } from '../http/json-stream.ts';
import type { Vault } from '../platform/crypto.ts';
import { ProblemError } from '../platform/problem.ts';
import { chunkAad } from './letter-intake.ts';
import type { SpoolMemory } from './spool-memory.ts';
import { SealedSpool, spoolBatchBytes, type SpooledChunk } from './sealed-spool.ts';

/**
 * What a JSON letter may hold outside its attachment data: the text (100,000 characters, each
 * possibly a 6-byte escape), titles, names and links, with room to spare.
 */
export const maxLetterJsonHeldBytes = 2 * 1024 * 1024;

/**
 * The most a streamed JSON letter holds at once, however large, besides its spool's memory (which
 * the process's `SpoolMemory` bounds for all letters together): a batch of the spool's file read
 * back and sent at commit, a chunk filling and one being sealed, and the rest of the letter as
 * bytes, text and object.
 */
export const streamedJsonLetterBytes = 2 * spoolBatchBytes + 2 * attachmentChunkBytes + 3 * maxLetterJsonHeldBytes;

const isAttachmentData = (path: JsonPath) =>
  path.length === 3 && path[0] === 'attachments' && typeof path[1] === 'number' && path[2] === 'data';

/** One attachment's data as it streams past: decoded, checked, sealed. */
interface Slot {
  position: number;
  characters: number;
  decoder: Base64StreamDecoder;
  rechunker: Rechunker;
  inspector: AttachmentInspector;
  index: number;
  /** Not decoded: an eleventh attachment, or one after an attachment already refused. */
  skipped: boolean;
  error?: ProblemError;
}

export interface StreamedLetterLimits extends AttachmentLimits {
  spoolMemory: SpoolMemory;
}

export interface StreamedLetterOptions {
  /**
   * Where the body's first attachment goes in the letter: a forward's own attachments come after
   * the earlier letter's. Chunks are sealed to their final position as they arrive.
   */
  positionOffset?: number;
}

/**
 * The `data` of each attachment of a JSON letter, taken from the parser as it arrives: base64
 * decoded, checked (size, magic bytes, structure) and sealed into the letter's spool under a
 * letter id chosen up front, so no attachment is ever held whole. Its `contentType` may come
 * before or after its data; the type is held to it when the letter is complete (`finish`).
 * A refused attachment is remembered, not thrown, so that the letter's own faults (schema,
 * routing) answer first, as they do for a buffered letter.
 */
export class StreamedAttachments implements StreamedStrings {
  readonly letterId = randomUUID();
  readonly spool: SealedSpool;
  readonly #size: LetterSizeTracker;
  readonly #slots: Slot[] = [];
  readonly #sealed: SpooledChunk[] = [];
  #current: Slot | undefined;
  #refused = false;

  readonly #offset: number;

  constructor(
    private readonly vault: Vault,
    private readonly limits: StreamedLetterLimits,
    { positionOffset = 0 }: StreamedLetterOptions = {},
  ) {
    this.#offset = positionOffset;
    this.#size = new LetterSizeTracker(limits.maxLetterBytes);
    this.spool = new SealedSpool(limits.spoolMemory);
  }

  accepts(path: JsonPath): boolean {
    return isAttachmentData(path);
  }

  open(path: JsonPath, container: object): void {
    const position = (path[1] as number) + this.#offset;
    const declared = (container as { contentType?: unknown }).contentType;
    this.#current = {
      position,
      characters: 0,
      decoder: new Base64StreamDecoder(),
      rechunker: new Rechunker(),
      inspector: new AttachmentInspector(typeof declared === 'string' ? declared : undefined, this.limits, this.#size),
      index: 0,
      skipped: position >= maxAttachments || this.#refused,
    };
    this.#slots[position] = this.#current;
  }

  write(bytes: Buffer): void {
    const slot = this.#current!;
    slot.characters += bytes.length;
    if (slot.skipped || slot.error) return;
    this.#guard(slot, () => {
      for (const chunk of slot.rechunker.push(slot.decoder.write(bytes))) this.#seal(slot, chunk);
    });
  }

  /** The data's stand-in in the parsed letter: empty if it was, so the schema refuses it as before. */
  close(): unknown {
    const slot = this.#current!;
    this.#current = undefined;
    if (!slot.skipped && !slot.error) {
      this.#guard(slot, () => {
        for (const chunk of slot.rechunker.push(slot.decoder.end())) this.#seal(slot, chunk);
        const rest = slot.rechunker.flush();
        if (rest) this.#seal(slot, rest);
      });
    }
    return slot.characters === 0 ? '' : 'streamed';
  }

  /** Moves the chunks sealed since the last call into the spool (to its file once its memory is full). */
  async drain(): Promise<void> {
    for (const chunk of this.#sealed.splice(0)) await this.spool.add(chunk);
  }

  /**
   * The digest of the attachment at `position` once its declared type is known, or the answer
   * its bytes earned, in the order the buffered path gave them: what came before the magic
   * bytes were seen, then a type mismatch, then the rest.
   */
  finish(position: number, declaredType: string): AttachmentDigest {
    const slot = this.#slots[position];
    if (!slot || slot.skipped) throw new Error(`attachment ${position} was not read`);
    const { inspector, error } = slot;
    if (error) {
      if (inspector.sniffed) inspector.declare(declaredType);
      throw error;
    }
    if (inspector.size > 0) inspector.declare(declaredType);
    return inspector.finish();
  }

  /** Frees the spool; safe to call more than once, and after the letter's intake has taken it. */
  async release(): Promise<void> {
    await this.spool.close();
  }

  #seal(slot: Slot, chunk: Buffer): void {
    slot.inspector.update(chunk);
    const { position } = slot;
    this.#sealed.push({
      position,
      index: slot.index,
      keyId: this.vault.currentKeyId,
      sealed: this.vault.seal(chunk, chunkAad(this.letterId, position, slot.index)),
    });
    slot.index += 1;
  }

  #guard(slot: Slot, work: () => void): void {
    try {
      work();
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      slot.error = error;
      this.#refused = true;
    }
  }
}

/**
 * Reads a JSON letter from the request without holding it: the letter without its attachment
 * data as an object (strictly parsed and its text checked), and its
 * attachments sealed into a spool. The caller must `release()` the attachments.
 */
export async function readJsonLetter(
  req: IncomingMessage,
  deps: { vault: Vault; limits: StreamedLetterLimits },
  limitBytes: number,
  options: StreamedLetterOptions = {},
): Promise<{ letter: unknown; attachments: StreamedAttachments }> {
  try {
    assertPlainUtf8(req);
  } catch (error) {
    discardRest(req, limitBytes);
    throw error;
  }
  const attachments = new StreamedAttachments(deps.vault, deps.limits, options);
  try {
    const parser = new JsonStreamParser(letterJsonShape, maxLetterJsonHeldBytes, attachments);
    await readStreaming(req, limitBytes, async (chunk) => {
      parser.write(chunk);
      await attachments.drain();
    });
    const letter = parser.end();
    assertSafeText(letter, letterTextSkipped);
    return { letter, attachments };
  } catch (error) {
    await attachments.release();
    throw error;
  }
}

/** A preview's attachment data: read past, never held or decoded (a preview stores nothing). */
class SkippedAttachmentData implements StreamedStrings {
  #characters = 0;
  accepts = isAttachmentData;
  open(): void {
    this.#characters = 0;
  }
  write(bytes: Buffer): void {
    this.#characters += bytes.length;
  }
  close(): unknown {
    return this.#characters === 0 ? '' : 'skipped';
  }
}

/** A letter for `POST /v1/messages/preview`, read as `readJsonLetter` reads one, its attachment data skipped. */
export async function readJsonPreview(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  try {
    assertPlainUtf8(req);
  } catch (error) {
    discardRest(req, limitBytes);
    throw error;
  }
  const parser = new JsonStreamParser(letterJsonShape, maxLetterJsonHeldBytes, new SkippedAttachmentData());
  await readStreaming(req, limitBytes, (chunk) => parser.write(chunk));
  const letter = parser.end();
  assertSafeText(letter, letterTextSkipped);
  return letter;
}
