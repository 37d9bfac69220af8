import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { ProblemError } from '../platform/problem.ts';
import { contextOf, cookieNames, formText, readCookie, setCookie } from './console-context-api.ts';
import { consoleReturnPath } from './return-path.ts';
import { openSession, signIn, signOut } from './sessions.ts';
import { renderSignInPage } from './sign-in-page.ts';

/**
 * Resolves the session cookie to the signed-in client. Its client becomes `req.client`, so the
 * API's role checks (`requireRole`) decide in the console exactly as in the API.
 */
export function consoleSession({ db, config }: AppDeps): RequestHandler {
  return async (req, _res, next) => {
    const token = readCookie(req, cookieNames.session);
    const session = token ? await openSession(db, token, config.consoleSession) : undefined;
    if (session) {
      req.consoleSession = session;
      req.client = session.client;
      req.log?.setBindings?.({ clientId: session.client.id });
    }
    next();
  };
}

/** Pages behind sign-in: a visitor without a session is sent to sign in and brought back. */
export const requireSession: RequestHandler = (req, res, next) => {
  if (req.consoleSession) return next();
  if (req.method === 'GET') {
    res.redirect(303, `/console/sign-in?next=${encodeURIComponent(consoleReturnPath(req.originalUrl))}`);
    return;
  }
  throw new ProblemError(401, 'unauthenticated', 'Unauthenticated');
};

export function consoleSignInRoutes(deps: AppDeps): Router {
  const { db, config } = deps;
  const router = Router();
  const lifetimeSeconds = config.consoleSession.lifetimeMinutes * 60;

  router.get('/', (req, res) => {
    const roles = req.consoleSession?.client.roles;
    // A clinic's key only sends letters: its start is the compose page.
    const start = roles?.length === 1 && roles[0] === 'sender' ? '/console/compose' : '/console/directory';
    res.redirect(303, req.consoleSession ? start : '/console/sign-in');
  });

  router.get('/sign-in', (req, res) => {
    const next = consoleReturnPath(req.query.next);
    if (req.consoleSession) return res.redirect(303, next);
    const { t } = contextOf(req);
    const notice = req.query['signed-out'] === '1' ? t.signedOut : undefined;
    res.type('html').send(renderSignInPage(contextOf(req), { next, ...(notice ? { notice } : {}) }));
  });

  router.post('/sign-in', async (req, res) => {
    const next = consoleReturnPath(formText(req, 'next'));
    const signedIn = await signIn(db, formText(req, 'apiKey'), config.consoleSession);
    if (!signedIn) {
      req.log?.warn('console sign-in refused');
      res
        .status(401)
        .type('html')
        .send(renderSignInPage(contextOf(req), { next, failed: true }));
      return;
    }
    setCookie(req, res, cookieNames.session, signedIn.token, lifetimeSeconds);
    res.redirect(303, next);
  });

  router.post('/sign-out', requireSession, async (req, res) => {
    await signOut(db, req.consoleSession!, readCookie(req, cookieNames.session)!);
    setCookie(req, res, cookieNames.session, '', 0);
    res.redirect(303, '/console/sign-in?signed-out=1');
  });
  return router;
}
