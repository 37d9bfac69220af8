import { describe, expect, it } from 'vitest';
import { stampOf, testQueuePrefix } from './test-names.ts';

describe('test run names', () => {
  it('carry the time they were made, read back from queue names', () => {
    const before = Date.now();
    const prefix = testQueuePrefix('t');
    const stamp = stampOf(`${prefix}.letters.gp.delay.50ms`, 'queue');
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });

  it('read the time of a test database name', () => {
    const made = Date.UTC(2026, 11, 3, 12);
    expect(stampOf(`postbud_test_${made.toString(36)}_0a1b2c3d`, 'database')).toBe(made);
  });

  it('leave names no test run makes alone', () => {
    expect(stampOf('postbud.letters.gp', 'queue')).toBeUndefined();
    expect(stampOf('postbud', 'database')).toBeUndefined();
    expect(stampOf('test', 'database')).toBeUndefined();
    expect(stampOf('pbt_t_short_0a1b2c.receipts', 'queue')).toBeUndefined();
  });
});
