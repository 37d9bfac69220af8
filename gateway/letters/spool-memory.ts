/**
 * The memory the spools of one gateway process may hold together. Each arriving letter keeps its
 * sealed chunks in memory while both its own share (`perLetterBytes`) and the process's
 * (`totalBytes`) have room; the rest of it goes to its temporary file. A few large letters at
 * once skip the file's write and read back, and many at once still cannot exhaust the memory.
 */
export class SpoolMemory {
  #used = 0;

  constructor(
    readonly perLetterBytes: number,
    readonly totalBytes: number,
  ) {}

  /** Takes `bytes` for a letter that already holds `heldByLetter`, if both limits allow it. */
  take(heldByLetter: number, bytes: number): boolean {
    if (heldByLetter + bytes > this.perLetterBytes || this.#used + bytes > this.totalBytes) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  /** Sealed bytes held in memory by all spools of this process now. */
  get usedBytes(): number {
    return this.#used;
  }
}

export const spoolMemoryOf = (limits: { spoolMemoryBytes: number; spoolMemoryTotalBytes: number }) =>
  new SpoolMemory(limits.spoolMemoryBytes, limits.spoolMemoryTotalBytes);
