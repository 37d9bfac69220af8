import type { RequestHandler } from 'express';
import type { Db } from '../platform/db.ts';
import type { Config } from '../platform/config.ts';
import { ProblemError } from '../platform/problem.ts';
import { SharedTokenBuckets } from './rate-limit-store.ts';

/**
 * Requests per API client, after authentication on every /v1 route: 429 `rate-limited` with
 * `Retry-After` when a client's bucket is empty. The buckets live in PostgreSQL, so the limit
 * holds for the client as a whole however many gateway instances share the database (one upsert
 * a request). Adapters get their own, higher limit because their pace is set by the queue
 * (prefetch), and a 429 would only turn into delivery retries. A limit of 0 turns limiting off
 * for those clients.
 */
export function rateLimitPerClient(db: Db, settings: Config['rateLimit']): RequestHandler {
  const clients = settings.perMinute > 0 ? new SharedTokenBuckets(db, settings.perMinute, settings.burst) : undefined;
  const adapterBurst = Math.max(settings.burst, Math.ceil(settings.adapterPerMinute / 6));
  const adapters =
    settings.adapterPerMinute > 0 ? new SharedTokenBuckets(db, settings.adapterPerMinute, adapterBurst) : undefined;
  return async (req, _res, next) => {
    const client = req.client;
    if (!client) return next();
    const isAdapter = client.roles.includes('adapter');
    const buckets = isAdapter ? adapters : clients;
    const outcome = (await buckets?.take(`${isAdapter ? 'adapter' : 'client'}:${client.id}`)) ?? { allowed: true };
    if (!outcome.allowed) {
      throw new ProblemError(
        429,
        'rate-limited',
        'Too many requests',
        'This API client has used its request budget; retry after the given delay.',
        {
          retryAfterSeconds: outcome.retryAfterSeconds,
        },
      );
    }
    next();
  };
}
