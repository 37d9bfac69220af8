import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('token buckets per API client', () => {
  it('allows a burst, then one request per refill interval, and says when to retry', () => {
    let now = 0;
    const buckets = new TokenBuckets(60, 3, () => now);
    expect([1, 2, 3].map(() => buckets.take('epj').allowed)).toEqual([true, true, true]);
    expect(buckets.take('epj')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 999;
    expect(buckets.take('epj').allowed).toBe(false);
    now += 1;
    expect(buckets.take('epj').allowed).toBe(true);
    expect(buckets.take('epj').allowed).toBe(false);
  });

  it('keeps clients apart and never refills beyond the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets(6, 2, () => now);
    buckets.take('a');
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(buckets.take('b').allowed).toBe(true);
    now += 3_600_000;
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, false]);
  });
});
