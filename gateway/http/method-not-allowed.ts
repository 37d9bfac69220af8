import type { RequestHandler } from 'express';
import { ProblemError } from '../platform/problem.ts';

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * A request no route took, to a path that exists with other methods: `405` with `Allow`, not
 * `404`. The paths are the OpenAPI document's, which a test holds to every route there is.
 */
export function methodNotAllowed(paths: Record<string, object>): RequestHandler {
  const routes = Object.entries(paths).map(([path, operations]) => ({
    pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}/]+\}/g, '[^/]+')}$`),
    allowed: methods.filter((method) => method in operations).map((method) => method.toUpperCase()),
  }));
  return (req, res, next) => {
    const allowed = new Set(routes.filter((route) => route.pattern.test(req.path)).flatMap((route) => route.allowed));
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].join(', ');
    res.setHeader('Allow', allow);
    next(new ProblemError(405, 'method-not-allowed', 'Method not allowed', `This path takes ${allow}.`));
  };
}
