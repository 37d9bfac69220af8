import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './broker-connection.ts';

const backoff = { initialMs: 500, maxMs: 30_000 };

describe('reconnect backoff after a broker blip', () => {
  it('doubles from the initial delay', () => {
    const ceilings = [1, 2, 3, 4].map((failures) => reconnectDelayMs(failures, backoff, () => 1));
    expect(ceilings).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits longer than the cap, however long the broker is down', () => {
    expect(reconnectDelayMs(50, backoff, () => 1)).toBe(30_000);
    expect(reconnectDelayMs(5000, backoff, () => 1)).toBe(30_000);
  });

  it('spreads adapters over the upper half of the window so they do not reconnect in lock-step', () => {
    expect(reconnectDelayMs(3, backoff, () => 0)).toBe(1000);
    expect(reconnectDelayMs(3, backoff, () => 0.5)).toBe(1500);
    for (let i = 0; i < 100; i += 1) {
      const delay = reconnectDelayMs(3, backoff);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });
});
