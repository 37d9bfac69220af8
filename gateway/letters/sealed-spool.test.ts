import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SealedSpool } from './sealed-spool.ts';
import { SpoolMemory } from './spool-memory.ts';

const chunk = (index: number, size: number) => ({
  position: 0,
  index,
  keyId: 'k1',
  sealed: Buffer.alloc(size, index + 1),
});

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('the spool of a letter arriving', () => {
  it('keeps a small letter in memory and writes no file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'spool-test-'));
    const spool = new SealedSpool(new SpoolMemory(1000, 10_000), directory);
    await spool.add(chunk(0, 400));
    await spool.add(chunk(1, 600));
    expect(spool.inMemory).toBe(true);
    expect(spool.memoryChunks.map((c) => c.index)).toEqual([0, 1]);
    expect(await readdir(directory)).toEqual([]);
    await spool.close();
  });

  it('moves what exceeds its memory to an unlinked file and reads it back byte for byte in bounded batches', async () => {
    directory = await mkdtemp(join(tmpdir(), 'spool-test-'));
    const spool = new SealedSpool(new SpoolMemory(1000, 10_000), directory);
    for (let i = 0; i < 6; i += 1) await spool.add(chunk(i, 700));
    expect(spool.inMemory).toBe(false);
    expect(spool.memoryChunks.map((c) => c.index)).toEqual([0]);
    // Nothing is left on disk for a crash to leave behind.
    expect(await readdir(directory)).toEqual([]);
    const batches: number[][] = [];
    for await (const batch of spool.fileBatches(1500)) {
      batches.push(batch.map((c) => c.index));
      for (const c of batch) expect(c.sealed.equals(chunk(c.index, 700).sealed)).toBe(true);
    }
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    await spool.close();
    await spool.close();
  });

  it('shares the memory of the process: a letter that finds it taken spools to its file, and a closed spool gives its share back', async () => {
    directory = await mkdtemp(join(tmpdir(), 'spool-test-'));
    const memory = new SpoolMemory(1000, 1500);
    const first = new SealedSpool(memory, directory);
    const second = new SealedSpool(memory, directory);
    await first.add(chunk(0, 900));
    await second.add(chunk(0, 500));
    expect(memory.usedBytes).toBe(1400);
    // 400 more would fit the second letter's own 1000, not the 1500 of both together.
    await second.add(chunk(1, 400));
    expect([first.inMemory, second.inMemory]).toEqual([true, false]);
    const read: number[] = [];
    for await (const c of second.chunks()) {
      expect(c.sealed.equals(chunk(c.index, c.sealed.length).sealed)).toBe(true);
      read.push(c.index);
    }
    expect(read).toEqual([0, 1]);
    await first.close();
    await first.close();
    expect(memory.usedBytes).toBe(500);
    const third = new SealedSpool(memory, directory);
    await third.add(chunk(0, 1000));
    expect(third.inMemory).toBe(true);
    await Promise.all([second.close(), third.close()]);
    expect(memory.usedBytes).toBe(0);
  });
});
