import type { RequestHandler } from 'express';
import { findApiClientByKey, type ApiClient, type Role } from '../clients/client-store.ts';
import type { Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

declare module 'express-serve-static-core' {
  interface Request {
    client?: ApiClient;
  }
}

/** Resolves `Authorization: Bearer <key>` to an active API client, or answers 401. */
export function authenticate(db: Db): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_.~+/=-]{16,200})$/.exec(header);
    const client = match ? await findApiClientByKey(db, match[1]!) : undefined;
    if (!client) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="postbud"');
      throw new ProblemError(
        401,
        'unauthenticated',
        'Unauthenticated',
        'A valid API key is required as a Bearer token.',
      );
    }
    req.client = client;
    req.log?.setBindings?.({ clientId: client.id });
    next();
  };
}

/** Every route names the roles that may call it (DESIGN.md, REST surface). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const client = req.client;
    if (!client || !client.roles.some((role) => roles.includes(role))) {
      throw new ProblemError(
        403,
        'role-forbidden',
        'Forbidden',
        `This call needs one of the roles: ${roles.join(', ')}.`,
      );
    }
    next();
  };
}

export function currentClient(req: { client?: ApiClient }): ApiClient {
  if (!req.client) throw new ProblemError(401, 'unauthenticated', 'Unauthenticated');
  return req.client;
}
