import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { authenticate } from './http/auth.ts';
import type { AppDeps, RouteDeps } from './app-deps.ts';
import { createBackPressure } from './delivery/back-pressure.ts';
import { dependencyProblems } from './http/dependency-problems.ts';
import { corsPolicy, noStore, securityHeaders } from './http/security-headers.ts';
import { methodNotAllowed } from './http/method-not-allowed.ts';
import { refuseNulInUrl } from './http/nul-bytes.ts';
import { loggablePath } from './http/log-path.ts';
import { failedAuthenticationLimit } from './http/failed-authentication.ts';
import { openApiDocument } from '../schemas/openapi.ts';
import { ProblemError } from './platform/problem.ts';
import { problemHandler } from './http/problem-handler.ts';
import { rateLimitPerClient } from './http/rate-limit.ts';
import { acknowledgementRoutes } from './acknowledgements/acknowledgements-api.ts';
import { medcomRefusals } from './acknowledgements/refusal-acknowledgement-api.ts';
import { adminClientRoutes } from './clients/client-keys-api.ts';
import { adminDeadLetterRoutes } from './delivery/dead-letters-api.ts';
import { auditRoutes } from './audit/audit-api.ts';
import { accessEventRoutes } from './audit/access-events-api.ts';
import { clientRoutes } from './clients/clients-api.ts';
import { consoleRoutes } from './console/console-api.ts';
import { directoryRoutes } from './directory/directory-api.ts';
import { docsRoutes } from './http/docs-api.ts';
import { healthRoutes } from './http/health-api.ts';
import { uploadSlotsOf } from './http/upload-slots.ts';
import { letterRoutes } from './letters/letters-api.ts';
import { misrouteRoutes } from './misroutes/misroutes-api.ts';

export function createApp(given: AppDeps): Express {
  const deps: RouteDeps = {
    ...given,
    backPressure: given.backPressure ?? createBackPressure(given),
    uploadSlots: given.uploadSlots ?? uploadSlotsOf(given.config.limits),
  };
  const app = express();
  app.disable('x-powered-by');
  // The client's address (access log, failed-authentication limit) is the peer's, unless the peer
  // is a configured load balancer: then the last address it added to X-Forwarded-For.
  app.set('trust proxy', deps.config.trustProxy.length > 0 ? [...deps.config.trustProxy] : false);
  app.use(securityHeaders());
  app.use(corsPolicy(deps.config.corsOrigins));
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // One line per request with method, path (no query, no CPR-like number) and status.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: loggablePath(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use((req, res, next) => {
    const stop = deps.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      stop({ route });
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  app.use(refuseNulInUrl);
  app.use(healthRoutes(deps));
  app.use(docsRoutes());
  app.use('/console', consoleRoutes(deps));
  app.use('/v1', noStore, authenticate(deps.db), rateLimitPerClient(deps.db, deps.config.rateLimit));
  app.use(letterRoutes(deps));
  app.use(misrouteRoutes(deps));
  app.use(acknowledgementRoutes(deps));
  app.use(directoryRoutes(deps));
  app.use(clientRoutes(deps));
  app.use(adminClientRoutes(deps));
  app.use(adminDeadLetterRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(accessEventRoutes(deps));
  app.use(methodNotAllowed(openApiDocument.paths));
  // The path is not echoed back: a mistyped URL may carry what should never be repeated.
  app.use((_req, _res, next) => {
    next(new ProblemError(404, 'not-found', 'Not found', 'No such route; see /docs.'));
  });
  app.use(failedAuthenticationLimit(deps.db, deps.config.rateLimit.failedAuthenticationsPerMinute));
  app.use(medcomRefusals);
  app.use(dependencyProblems);
  app.use(problemHandler);
  return app;
}
