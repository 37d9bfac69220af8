import type { RequestHandler } from 'express';
import type { Config } from '../platform/config.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * A token bucket per key: `burst` tokens at most, refilled at `perMinute` a minute; each request
 * takes one. A plain function of time, so it is tested without waiting.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`; when none is left, says in how many seconds one will be. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    this.#forgetFullBuckets(now, perMs);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  /** Bounds memory: a bucket that has refilled completely holds nothing worth keeping. */
  #forgetFullBuckets(now: number, perMs: number): void {
    if (this.#buckets.size < 10_000) return;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.burst) this.#buckets.delete(key);
    }
  }
}

/**
 * Requests per API client, after authentication on every /v1 route: 429 `rate-limited` with
 * `Retry-After` when a client's bucket is empty. Per gateway instance (in memory): behind a load
 * balancer with n instances a client may get up to n times the limit, which still stops a
 * runaway client from starving the others on any one instance. Adapters get their own, higher
 * limit because their pace is set by the queue (prefetch), and a 429 would only turn into
 * delivery retries. A limit of 0 turns limiting off for those clients.
 */
export function rateLimitPerClient(settings: Config['rateLimit'], now: () => number = Date.now): RequestHandler {
  const clients = settings.perMinute > 0 ? new TokenBuckets(settings.perMinute, settings.burst, now) : undefined;
  const adapterBurst = Math.max(settings.burst, Math.ceil(settings.adapterPerMinute / 6));
  const adapters =
    settings.adapterPerMinute > 0 ? new TokenBuckets(settings.adapterPerMinute, adapterBurst, now) : undefined;
  return (req, res, next) => {
    const client = req.client;
    if (!client) return next();
    const buckets = client.roles.includes('adapter') ? adapters : clients;
    const outcome = buckets?.take(client.id) ?? { allowed: true };
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
