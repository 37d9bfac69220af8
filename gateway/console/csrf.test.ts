import { describe, expect, it } from 'vitest';
import { fromSameOrigin, isCsrfTokenShaped, newCsrfToken, sameCsrfToken } from './csrf.ts';
import { consoleReturnPath } from './return-path.ts';

describe('CSRF tokens', () => {
  it('are random, 32 URL-safe characters, and compare only equal to themselves', () => {
    const token = newCsrfToken();
    expect(isCsrfTokenShaped(token)).toBe(true);
    expect(newCsrfToken()).not.toBe(token);
    expect(sameCsrfToken(token, token)).toBe(true);
    expect(sameCsrfToken(`${token.slice(0, -1)}x`, token)).toBe(token.endsWith('x'));
    expect(sameCsrfToken(undefined, token)).toBe(false);
    expect(sameCsrfToken('', token)).toBe(false);
  });

  it('a request from another site is refused by its Sec-Fetch-Site or Origin', () => {
    const host = '127.0.0.1:8080';
    expect(fromSameOrigin({ origin: `http://${host}`, secFetchSite: 'same-origin', host })).toBe(true);
    expect(fromSameOrigin({ origin: `https://${host}`, host })).toBe(true);
    expect(fromSameOrigin({ host })).toBe(true);
    expect(fromSameOrigin({ secFetchSite: 'cross-site', host })).toBe(false);
    expect(fromSameOrigin({ secFetchSite: 'same-site', host })).toBe(false);
    expect(fromSameOrigin({ origin: 'https://evil.example', host })).toBe(false);
    expect(fromSameOrigin({ origin: 'null', host })).toBe(false);
  });
});

describe('return paths', () => {
  it('keep console paths and refuse anything that leaves the console', () => {
    expect(consoleReturnPath('/console/mailboxes/100011000016002')).toBe('/console/mailboxes/100011000016002');
    expect(consoleReturnPath('/console/directory?q=psykiatri')).toBe('/console/directory?q=psykiatri');
    expect(consoleReturnPath('/console')).toBe('/console');
    for (const bad of ['https://evil.example', '//evil.example', '/consolex', '/v1/audit', '/console\\@evil', 3]) {
      expect(consoleReturnPath(bad)).toBe('/console/directory');
    }
  });
});
