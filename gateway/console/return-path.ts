/**
 * Where to go after sign-in or a language switch: only a console path of this site, so a link
 * such as `/console/sign-in?next=https://evil.example` cannot send a user elsewhere.
 */
export function consoleReturnPath(value: unknown, fallback = '/console/directory'): string {
  if (typeof value !== 'string' || value.length > 2000) return fallback;
  if (!/^\/console(?:[/?#]|$)/.test(value) || /[\\\s]/.test(value) || value.startsWith('//')) return fallback;
  return value;
}
