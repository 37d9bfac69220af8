import { describe, expect, it } from 'vitest';
import { isAcceptedDate, isAcceptedDateTime } from './instants.ts';

describe('accepted date-times', () => {
  it.each([
    '2024-01-01T00:00:00Z',
    '2024-02-29T23:59:59.123456789+23:59',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59-01:00',
  ])('accepts %s', (text) => expect(isAcceptedDateTime(text)).toBe(true));
  it.each([
    '0000-01-01T00:00:00Z',
    '275760-09-13T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '2016-12-31T23:59:60Z',
    '2024-01-01T00:00:00+25:00',
    '2024-01-01T00:00:00+23:60',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00:00',
  ])('refuses %s', (text) => expect(isAcceptedDateTime(text)).toBe(false));
});

describe('accepted dates', () => {
  it('accepts real days from year 1 to 9999 and refuses the rest', () => {
    expect(['2024-02-29', '0001-01-01', '9999-12-31'].map(isAcceptedDate)).toEqual([true, true, true]);
    expect(['0000-01-01', '2023-02-29', '2024-13-01', '275760-01-01', '2024-1-1'].map(isAcceptedDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
