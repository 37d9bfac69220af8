/** A multiple of 3, so the base64 of consecutive chunks concatenates into valid base64. */
export const attachmentChunkBytes = 768 * 1024;

/**
 * Cuts a byte stream into chunks of exactly `chunkBytes` (the last may be shorter), holding at
 * most one partial chunk, so storage rows and their base64 have a fixed, bounded size.
 */
export class Rechunker {
  #pending: Buffer | undefined;
  #filled = 0;

  constructor(readonly chunkBytes: number = attachmentChunkBytes) {
    if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError('chunkBytes must be a positive integer');
  }

  /** Every chunk that `data` completes, in order. */
  *push(data: Buffer): Generator<Buffer> {
    let offset = 0;
    while (offset < data.length) {
      if (this.#filled === 0 && data.length - offset >= this.chunkBytes) {
        // A whole chunk inside the input: hand out a view instead of copying it.
        yield data.subarray(offset, offset + this.chunkBytes);
        offset += this.chunkBytes;
        continue;
      }
      // A fresh buffer per chunk, because the consumer may still hold the one it was given.
      this.#pending ??= Buffer.allocUnsafe(this.chunkBytes);
      const copied = data.copy(this.#pending, this.#filled, offset);
      this.#filled += copied;
      offset += copied;
      if (this.#filled === this.chunkBytes) {
        const full = this.#pending;
        this.#pending = undefined;
        this.#filled = 0;
        yield full;
      }
    }
  }

  /** The last, shorter chunk, if bytes are pending. */
  flush(): Buffer | undefined {
    if (this.#pending === undefined || this.#filled === 0) return undefined;
    const rest = this.#pending.subarray(0, this.#filled);
    this.#pending = undefined;
    this.#filled = 0;
    return rest;
  }
}

/** `Rechunker` over an async stream: pulls the next input only when the consumer asks. */
export async function* rechunk(
  source: AsyncIterable<Buffer>,
  chunkBytes: number = attachmentChunkBytes,
): AsyncGenerator<Buffer> {
  const rechunker = new Rechunker(chunkBytes);
  for await (const data of source) yield* rechunker.push(data);
  const rest = rechunker.flush();
  if (rest) yield rest;
}
