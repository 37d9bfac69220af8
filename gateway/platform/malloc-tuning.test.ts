import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mallocTuning, withMallocTuning } from './malloc-tuning.ts';

/**
 * A Node.js process that frees 100 blocks of 1 MiB while a later one is still in use, as a
 * letter's chunks are freed while the next letter's are live; it prints the MiB of anonymous
 * memory it still holds beyond what it held before.
 */
const probe = `
const anonMiB = () => Number(/RssAnon:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const settle = async () => { for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setTimeout(r, 50)); } };
(async () => {
  let first = Buffer.allocUnsafeSlow(1 << 20).fill(1);
  first = null;
  await settle();
  const before = anonMiB();
  let blocks = Array.from({ length: 101 }, (_, i) => Buffer.allocUnsafeSlow(1 << 20).fill(i));
  const live = blocks[100];
  blocks = null;
  await settle();
  console.log(JSON.stringify({ retainedMiB: anonMiB() - before, live: live.length }));
})();
`;

function retainedMiB(env: Record<string, string | undefined>): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', probe], { env, encoding: 'utf8' });
  return (JSON.parse(out) as { retainedMiB: number }).retainedMiB;
}

describe('the allocator settings of every Postbud process', () => {
  it('give freed 1 MiB blocks back to the system, which glibc alone does not', () => {
    const env = { PATH: process.env.PATH };
    expect(retainedMiB(withMallocTuning(env))).toBeLessThan(10);
    expect(retainedMiB(withMallocTuning({ ...env, MALLOC_MMAP_THRESHOLD_: '' }))).toBeGreaterThan(60);
  });

  it('leave a setting of the environment as it is, and an empty one undoes it', () => {
    expect(withMallocTuning({ MALLOC_MMAP_THRESHOLD_: '262144', PORT: '1' })).toEqual({
      MALLOC_MMAP_THRESHOLD_: '262144',
      PORT: '1',
    });
    expect(withMallocTuning({ MALLOC_MMAP_THRESHOLD_: '' })).toEqual({});
    expect(withMallocTuning({})).toEqual(mallocTuning);
  });

  it('are the image’s too', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    for (const [name, value] of Object.entries(mallocTuning)) expect(runStage).toContain(`ENV ${name}=${value}\n`);
  });
});
