import { describe, expect, it } from 'vitest';
import { coarseDeliveryDetails, coarseDeliveryFailure } from './delivery-outcome.ts';

describe('coarse delivery outcomes', () => {
  it.each([
    ['receiver unreachable (ECONNREFUSED)', undefined, 'receiver-unreachable'],
    ['getaddrinfo ENOTFOUND epj.region.internal', undefined, 'receiver-unreachable'],
    ['unable to verify the first certificate', undefined, 'receiver-unreachable'],
    [
      'no endpoint: the mailbox has none and the sector has no default endpoint configured',
      undefined,
      'receiver-unreachable',
    ],
    ['receiver did not answer within 30000 ms', undefined, 'timeout'],
    ['receiver answered HTTP 503; gave up after 4 attempts', 503, 'receiver-error'],
    ['receiver answered HTTP 400', 400, 'receiver-refused'],
    ['receiver answered HTTP 408', 408, 'timeout'],
    ['receiver answered HTTP 429', 429, 'receiver-error'],
    ['gateway answered HTTP 404 for the letter', undefined, 'receiver-error'],
  ])('%s → %s', (error, httpStatus, expected) => {
    expect(coarseDeliveryFailure(error, httpStatus)).toBe(expected);
  });

  it('replaces the reason and drops the endpoint, keeping attempt and status', () => {
    const details = {
      attempt: 2,
      endpoint: 'https://10.20.30.40:8443/medcom',
      httpStatus: 502,
      durationMs: 12,
      error: 'receiver answered HTTP 502 (10.20.30.40:8443)',
    };
    const { value, changed } = coarseDeliveryDetails(details);
    expect(changed).toBe(true);
    expect(value).toEqual({ attempt: 2, httpStatus: 502, durationMs: 12, failure: 'receiver-error' });
    expect(JSON.stringify(value)).not.toMatch(/10\.20|8443/);
  });

  it('leaves other details untouched', () => {
    const details = { sector: 'gp' };
    expect(coarseDeliveryDetails(details)).toEqual({ value: details, changed: false });
  });
});
