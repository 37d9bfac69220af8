import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { Router, type ErrorRequestHandler } from 'express';
import type { RouteDeps } from '../app-deps.ts';
import { consolePolicy } from '../http/security-headers.ts';
import { ProblemError } from '../platform/problem.ts';
import { checkCsrf, formText, pageContext, setLanguage } from './console-context-api.ts';
import { consoleSession, consoleSignInRoutes } from './console-session-api.ts';
import { accessPageRoutes } from './access-pages-api.ts';
import { auditPageRoutes } from './audit-pages-api.ts';
import { clientPageRoutes } from './clients-pages-api.ts';
import { composePageRoutes } from './compose-pages-api.ts';
import { deadLetterPageRoutes } from './dead-letters-pages-api.ts';
import { importPageRoutes } from './import-pages-api.ts';
import { directoryPageRoutes } from './directory-pages-api.ts';
import { renderErrorPage } from './message-pages.ts';
import { consoleReturnPath } from './return-path.ts';
import { renderSignInPage } from './sign-in-page.ts';
import { textsFor } from './texts.ts';

const assetsDir = fileURLToPath(new URL('./assets', import.meta.url));
// Pico's stylesheet comes from its npm package, served from here: no CDN.
const picoCss = createRequire(import.meta.url).resolve('@picocss/pico/css/pico.min.css');

/** Forms of the console: small, URL-encoded, a bounded number of fields. */
const formBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

const importBody = express.urlencoded({ extended: false, limit: '20mb', parameterLimit: 10 });

/** Refusals inside the console are pages in the user's language, never problem+json. */
const consoleErrors: ErrorRequestHandler = (error, req, res, _next) => {
  const problem =
    error instanceof ProblemError
      ? error
      : typeof error?.status === 'number' && error.status >= 400 && error.status < 500
        ? new ProblemError(error.status, 'bad-request', 'Bad request')
        : undefined;
  if (!problem) {
    req.log?.error(
      { err: { type: error?.constructor?.name, message: error?.message, code: error?.code } },
      'unhandled console error',
    );
  }
  const shown = problem ?? new ProblemError(500, 'internal-error', 'Internal error');
  if (res.headersSent) return res.destroy();
  // A body refused by the form parser arrives before the page context is built.
  const context = req.page ?? { language: 'da', t: textsFor('da'), csrfToken: '', client: undefined, here: '/console' };
  // A form sent after the session ended: sign in again, then back to the page it came from.
  const page =
    shown.status === 401
      ? renderSignInPage(context, { next: refererPath(req.get('referer')), notice: context.t.sessionEnded })
      : renderErrorPage(context, shown);
  res.status(shown.status).type('html').send(page);
};

function refererPath(referer: string | undefined): string {
  try {
    const url = new URL(referer ?? '');
    return consoleReturnPath(url.pathname + url.search);
  } catch {
    return consoleReturnPath(undefined);
  }
}

/**
 * The browser console at /console: server-rendered pages in Danish or English, forms with CSRF
 * tokens, a few assets from /console/assets. Pages call the same domain functions as the API,
 * with the signed-in client's roles checked the same way.
 */
export function consoleRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', consolePolicy);
    // A form's Origin header is sent only with a referrer policy that allows it.
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  router.use('/assets', express.static(assetsDir, { index: false, fallthrough: true }));
  router.get('/assets/pico.min.css', (_req, res) => res.sendFile(picoCss));
  router.use((_req, res, next) => {
    // Pages show directory and (for auditors) patient data: never kept in a shared cache.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // A SOR extract is larger than any other form; only the import page takes one this size.
  router.use('/directory/import', importBody);
  router.use(formBody, consoleSession(deps), pageContext, checkCsrf);

  router.use(consoleSignInRoutes(deps));
  router.use(directoryPageRoutes(deps));
  router.use(auditPageRoutes(deps));
  router.use(accessPageRoutes(deps));
  router.use(clientPageRoutes(deps));
  router.use(deadLetterPageRoutes(deps));
  router.use(importPageRoutes(deps));
  router.use(composePageRoutes(deps));
  router.post('/language', (req, res) => {
    setLanguage(req, res);
    res.redirect(303, consoleReturnPath(formText(req, 'next'), '/console'));
  });

  router.use(() => {
    throw new ProblemError(404, 'not-found', 'Not found');
  });
  router.use(consoleErrors);
  return router;
}
