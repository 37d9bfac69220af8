import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpoolMemory } from './spool-memory.ts';

/** Sealed chunks read back from the spool per statement: a few MiB, so no single bind is huge. */
export const spoolBatchBytes = 4 * 1024 * 1024;

/** One sealed attachment chunk waiting for the letter's commit. */
export interface SpooledChunk {
  position: number;
  index: number;
  keyId: string;
  sealed: Buffer;
}

interface FileChunk {
  position: number;
  index: number;
  keyId: string;
  offset: number;
  length: number;
}

/**
 * The sealed chunks of a letter while it arrives, so that no database connection waits on a
 * client's network: the first chunks stay in memory while the process's `SpoolMemory` lets them,
 * the rest go to a temporary file that is unlinked as soon as it is opened (a crash leaves nothing
 * behind, and it only ever holds ciphertext). The letter is written in one short transaction once
 * every byte is in.
 */
export class SealedSpool {
  readonly #memory: SpooledChunk[] = [];
  readonly #file: FileChunk[] = [];
  #memoryUsed = 0;
  #fileEnd = 0;
  #handle: FileHandle | undefined;

  constructor(
    private readonly memory: SpoolMemory,
    private readonly directory: string = tmpdir(),
  ) {}

  /** Whether every chunk is in memory (the letter can be written in a single statement). */
  get inMemory(): boolean {
    return this.#file.length === 0;
  }

  /** The chunks held in memory, in arrival order. */
  get memoryChunks(): readonly SpooledChunk[] {
    return this.#memory;
  }

  async add(chunk: SpooledChunk): Promise<void> {
    if (this.#file.length === 0 && this.memory.take(this.#memoryUsed, chunk.sealed.length)) {
      this.#memory.push(chunk);
      this.#memoryUsed += chunk.sealed.length;
      return;
    }
    const handle = await this.#openFile();
    await handle.write(chunk.sealed, 0, chunk.sealed.length, this.#fileEnd);
    this.#file.push({
      position: chunk.position,
      index: chunk.index,
      keyId: chunk.keyId,
      offset: this.#fileEnd,
      length: chunk.sealed.length,
    });
    this.#fileEnd += chunk.sealed.length;
  }

  /** The sealed bytes held in memory. */
  get memoryBytesUsed(): number {
    return this.#memoryUsed;
  }

  /** Every chunk in arrival order: those in memory, then those in the file, read back one at a time. */
  async *chunks(): AsyncGenerator<SpooledChunk> {
    yield* this.#memory;
    for (const chunk of this.#file) {
      const sealed = Buffer.allocUnsafe(chunk.length);
      await this.#handle!.read(sealed, 0, chunk.length, chunk.offset);
      yield { position: chunk.position, index: chunk.index, keyId: chunk.keyId, sealed };
    }
  }

  /** The chunks that went to the file, read back in groups of at most `maxBytes` (at least one chunk each). */
  async *fileBatches(maxBytes: number): AsyncGenerator<SpooledChunk[]> {
    let batch: SpooledChunk[] = [];
    let size = 0;
    for (const chunk of this.#file) {
      if (batch.length > 0 && size + chunk.length > maxBytes) {
        yield batch;
        batch = [];
        size = 0;
      }
      const sealed = Buffer.allocUnsafe(chunk.length);
      await this.#handle!.read(sealed, 0, chunk.length, chunk.offset);
      batch.push({ position: chunk.position, index: chunk.index, keyId: chunk.keyId, sealed });
      size += chunk.length;
    }
    if (batch.length > 0) yield batch;
  }

  /** Frees the memory and closes the file; safe to call more than once. */
  async close(): Promise<void> {
    this.#memory.length = 0;
    this.memory.give(this.#memoryUsed);
    this.#memoryUsed = 0;
    this.#file.length = 0;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  async #openFile(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    const path = join(this.directory, `postbud-spool-${randomBytes(12).toString('hex')}`);
    this.#handle = await open(path, 'wx+', 0o600);
    await unlink(path);
    return this.#handle;
  }
}
