/**
 * The C allocator's settings every Postbud process starts with (the Dockerfile sets the same).
 *
 * A letter's attachments pass through Buffers of 64 KiB to 1 MiB, which Node.js takes from
 * glibc's malloc. glibc serves a request of at least its mmap threshold with a mapping of its
 * own, returned to the system when freed, but it raises that threshold to the size of each such
 * block freed: after the first 1 MiB chunk, later ones come from its heaps, and a hole there goes
 * back to the system only once nothing above it is in use. A fixed threshold of 128 KiB (glibc's
 * default start) keeps every chunk-sized block a mapping of its own.
 * Measured by `npm run bench:e2e`: 10 × 1 MB letters, gateway peak RSS 325–335 → 299–307 MB
 * (multipart) and 342–348 → 311–319 MB (JSON), letters per second unchanged.
 * A setting already in the environment wins, so an operator can change it; an empty one undoes
 * it (glibc would read an empty threshold as 0, a mapping for every block).
 */
export const mallocTuning: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** `env` with the allocator settings it does not set itself. */
export function withMallocTuning(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const tuned = { ...mallocTuning, ...env };
  for (const name of Object.keys(mallocTuning)) if (tuned[name] === '') delete tuned[name];
  return tuned;
}
