import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens against cross-site request forgery. Every form carries one as `_csrf`: the session's
 * (stored server-side with it) once signed in, before that the visitor's own, which is also in
 * an HttpOnly cookie (double submit), so even the sign-in form cannot be posted from elsewhere.
 */
export const newCsrfToken = (): string => randomBytes(24).toString('base64url');

export const isCsrfTokenShaped = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{32}$/.test(value);

export function sameCsrfToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * Whether the browser says the request came from a page of this site. Browsers send
 * `Sec-Fetch-Site` (and `Origin` on a POST); a request without either (an old browser, a tool)
 * still needs the token. Only the host is compared: behind a TLS proxy the gateway itself sees http.
 */
export function fromSameOrigin(headers: {
  origin?: string | undefined;
  secFetchSite?: string | undefined;
  host?: string | undefined;
}): boolean {
  if (headers.secFetchSite !== undefined && !['same-origin', 'none'].includes(headers.secFetchSite)) return false;
  if (headers.origin === undefined) return true;
  try {
    return new URL(headers.origin).host === headers.host;
  } catch {
    return false;
  }
}
