import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The response headers every answer carries: helmet's defaults with a strict CSP.
 * The API serves JSON and XML, never pages that load anything, so the policy allows nothing;
 * `/docs` adds only its own inline style, by hash (cspAllowingStyles).
 */
const strictDirectives = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

const render = (directives: Record<string, string[]>) =>
  Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';');

export function securityHeaders(): RequestHandler {
  return helmet({
    // Without useDefaults: false helmet would merge in its own, looser page directives.
    contentSecurityPolicy: { useDefaults: false, directives: strictDirectives },
    xFrameOptions: { action: 'deny' },
  });
}

/** The strict policy plus `style-src` for exactly these inline stylesheets. */
export function cspAllowingStyles(...styles: string[]): string {
  const hashes = styles.map((style) => `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
  return render({ ...strictDirectives, 'style-src': hashes });
}

/**
 * CORS is off unless `POSTBUD_CORS_ORIGINS` names origins: then exactly those (no wildcard, no
 * credentials: keys travel in the Authorization header, which the origin's page must hold).
 * Preflights of allowed origins are answered here, before authentication, as browsers send
 * them without the key.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary('Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Location, Retry-After, X-Request-Id, ETag');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE');
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id',
      );
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * Every `/v1` answer carries patient data, keys or what leads to them: no cache (browser, proxy
 * or CDN) may keep a copy.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
};
