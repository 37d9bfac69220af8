import { describe, expect, it } from 'vitest';
import { decideNextStep, describeAttempt, type AttemptResult } from './retry-policy.ts';

const delays = [1000, 5000, 30000] as const;
const receiver = (httpStatus: number): AttemptResult => ({ kind: 'receiver-answered', httpStatus });
const gateway = (httpStatus: number): AttemptResult => ({ kind: 'gateway-answered', httpStatus });

describe('retry policy', () => {
  it('counts any 2xx from the receiving system as delivered', () => {
    expect(decideNextStep(receiver(200), 1, delays)).toEqual({ action: 'delivered' });
    expect(decideNextStep(receiver(202), 4, delays)).toEqual({ action: 'delivered' });
  });

  it('retries a 503 after the delay that belongs to the attempt', () => {
    expect(decideNextStep(receiver(503), 1, delays)).toMatchObject({ action: 'retry', delayMs: 1000, nextAttempt: 2 });
    expect(decideNextStep(receiver(503), 3, delays)).toMatchObject({ action: 'retry', delayMs: 30000, nextAttempt: 4 });
  });

  it('treats 408, 429 and every 5xx as transient', () => {
    for (const status of [408, 429, 500, 502, 504]) {
      expect(decideNextStep(receiver(status), 1, delays).action).toBe('retry');
    }
  });

  it('dead-letters once the retry delays are used up', () => {
    const step = decideNextStep(receiver(503), 4, delays);
    expect(step).toEqual({ action: 'dead-letter', reason: 'receiver answered HTTP 503; gave up after 4 attempts' });
  });

  it('dead-letters at once when no retries are configured', () => {
    expect(decideNextStep(receiver(500), 1, []).action).toBe('dead-letter');
  });

  it('fails a letter the receiver refuses with another 4xx, without retrying', () => {
    for (const status of [400, 404, 409, 413, 422]) {
      expect(decideNextStep(receiver(status), 1, delays)).toEqual({
        action: 'failed',
        reason: `receiver answered HTTP ${status}`,
      });
    }
  });

  it('fails on a redirect, since a letter must not follow one to another host', () => {
    expect(decideNextStep(receiver(302), 1, delays).action).toBe('failed');
  });

  it('retries network errors and timeouts on either side', () => {
    const results: AttemptResult[] = [
      { kind: 'unreachable', side: 'receiver', code: 'ECONNREFUSED' },
      { kind: 'unreachable', side: 'gateway', code: 'ECONNRESET' },
      { kind: 'timed-out', side: 'receiver', afterMs: 30000 },
    ];
    for (const result of results) {
      expect(decideNextStep(result, 2, delays)).toMatchObject({ action: 'retry', delayMs: 5000, nextAttempt: 3 });
    }
  });

  it('retries while the gateway is down but fails a letter the gateway no longer has', () => {
    expect(decideNextStep(gateway(503), 1, delays).action).toBe('retry');
    expect(decideNextStep(gateway(404), 1, delays)).toEqual({
      action: 'failed',
      reason: 'gateway answered HTTP 404 for the letter',
    });
    expect(decideNextStep(gateway(410), 1, delays).action).toBe('failed');
  });

  it('keeps a letter recoverable when the gateway refuses the adapter key', () => {
    expect(decideNextStep(gateway(401), 1, delays).action).toBe('retry');
    expect(decideNextStep(gateway(403), 4, delays).action).toBe('dead-letter');
  });

  it('parks a letter without any endpoint in the dead-letter queue for replay', () => {
    expect(decideNextStep({ kind: 'no-endpoint' }, 1, delays).action).toBe('dead-letter');
    expect(decideNextStep({ kind: 'unusable-endpoint' }, 1, delays).action).toBe('failed');
  });

  it('describes attempts briefly and without content', () => {
    expect(describeAttempt({ kind: 'timed-out', side: 'receiver', afterMs: 250 })).toBe(
      'receiver did not answer within 250 ms',
    );
    expect(describeAttempt({ kind: 'unreachable', side: 'gateway', code: 'ECONNREFUSED' })).toBe(
      'gateway unreachable (ECONNREFUSED)',
    );
  });
});
