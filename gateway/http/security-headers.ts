import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The response headers every answer carries: helmet's defaults with a strict CSP.
 * The API serves JSON and XML, never pages that load anything, so the policy allows nothing;
 * `/docs` and the console load their own scripts and styles from this origin (docsPolicy,
 * consolePolicy), never inline ones.
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

/**
 * The browser console's pages: scripts, styles and images only from the gateway itself (Pico's
 * icons are data: URLs in its stylesheet), forms posting back to it, nothing inline, no frames.
 */
export const consolePolicy = render({
  ...strictDirectives,
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
});

/**
 * `/docs`: Swagger UI's bundle, its stylesheet and the init script from this origin, the OpenAPI
 * document (and "try it out") fetched from it; images include data: URLs (Swagger UI's icons).
 */
export const docsPolicy = render({
  ...strictDirectives,
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
});

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
