import type { Request, RequestHandler, Response } from 'express';
import { parse, serialize } from 'cookie';
import { ProblemError } from '../platform/problem.ts';
import { fromSameOrigin, isCsrfTokenShaped, newCsrfToken, sameCsrfToken } from './csrf.ts';
import type { PageContext } from './layout.ts';
import type { ConsoleSession } from './sessions.ts';
import { consoleReturnPath } from './return-path.ts';
import { isLanguage, textsFor } from './texts.ts';

declare module 'express-serve-static-core' {
  interface Request {
    page?: PageContext;
    /** The signed-in session (console-session-api.ts). */
    consoleSession?: ConsoleSession;
  }
}

export const cookieNames = {
  language: 'postbud_language',
  visitor: 'postbud_visitor',
  session: 'postbud_session',
} as const;

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[name] : undefined;
}

/** Console cookies: HttpOnly, SameSite=Strict, only sent to /console, Secure when the connection is TLS. */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number): void {
  res.append(
    'Set-Cookie',
    serialize(name, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/console',
      maxAge: maxAgeSeconds,
    }),
  );
}

const year = 365 * 24 * 3600;

/** The visitor's own CSRF token before sign-in, from its cookie or new (and then set). */
function visitorToken(req: Request, res: Response): string {
  const given = readCookie(req, cookieNames.visitor);
  if (isCsrfTokenShaped(given)) return given;
  const token = newCsrfToken();
  setCookie(req, res, cookieNames.visitor, token, year);
  return token;
}

/** Builds `req.page`: the language chosen (Danish unless English was), the CSRF token and where the page is. */
export const pageContext: RequestHandler = (req, res, next) => {
  const chosen = readCookie(req, cookieNames.language);
  const language = isLanguage(chosen) ? chosen : 'da';
  req.page = {
    language,
    t: textsFor(language),
    csrfToken: req.consoleSession?.csrfToken ?? visitorToken(req, res),
    // Not `req.client`: before sign-in Node's request has its socket under that name.
    client: req.consoleSession?.client,
    here: req.method === 'GET' ? consoleReturnPath(req.originalUrl, '/console') : '/console',
  };
  next();
};

export function contextOf(req: Request): PageContext {
  if (!req.page) throw new Error('console page context missing');
  return req.page;
}

/** The forms a visitor may send without a session. */
const visitorForms = new Set(['/sign-in', '/language']);

/**
 * Every state-changing console request carries the page's token and comes from this site. A form
 * from a page whose session has since ended is answered with sign-in, not with a token error.
 */
export const checkCsrf: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  if (!req.consoleSession && readCookie(req, cookieNames.session) && !visitorForms.has(req.path)) {
    throw new ProblemError(401, 'unauthenticated', 'Unauthenticated');
  }
  // A form with files is streamed, not parsed here: its route checks the token, its first field.
  if (multipartForms.has(req.path) && req.is('multipart/form-data')) return next();
  assertCsrfToken(req, ((req.body ?? {}) as Record<string, unknown>)._csrf);
  next();
};

/** The console forms posted as multipart/form-data, each checking its token before reading a file. */
const multipartForms = new Set(['/compose', '/directory/import']);

/** Throws 403 unless `given` is this page's token and the request comes from this site. */
export function assertCsrfToken(req: Request, given: unknown): void {
  const sameSite = fromSameOrigin({
    origin: req.headers.origin,
    secFetchSite: req.get('sec-fetch-site'),
    host: req.headers.host,
  });
  if (!sameSite || !sameCsrfToken(given, contextOf(req).csrfToken)) {
    throw new ProblemError(403, 'csrf-invalid', 'Forbidden', 'The form lacks a valid CSRF token.');
  }
}

/** One text field of a posted form: the first value, trimmed; empty when absent. */
export function formText(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

export function setLanguage(req: Request, res: Response): void {
  const language = formText(req, 'language');
  if (isLanguage(language)) setCookie(req, res, cookieNames.language, language, year);
}
