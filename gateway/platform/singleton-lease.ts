import pg from 'pg';

/**
 * Work that must run on one instance at a time (retention purge, key rotation) holds a
 * PostgreSQL session-level advisory lock on a connection of its own. PostgreSQL releases it the
 * moment that session ends, so a holder that dies (process killed, machine gone, connection cut)
 * hands the work over without any expiry to wait for; a waiting instance takes it at its next try.
 *
 * The outbox relay and the audit sealer need no lease and run on every instance: the relay locks
 * the rows it publishes with FOR UPDATE SKIP LOCKED, so instances take disjoint batches, and
 * sealers race on the chain's unique sequence number, so at most one seal of an event commits.
 */
export interface SingletonLease {
  /** True while this instance holds the lease (as far as its last check knows). */
  isHeld(): boolean;
  /** Resolves once the lease is held. */
  whenHeld(): Promise<void>;
  /** Releases the lease (ends its session) and stops trying. */
  stop(): Promise<void>;
}

const tryLockSql = 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held';

/** Keeps trying every `retryMs` to hold the lease `name`, and checks it still holds it as often. */
export function startSingletonLease(databaseUrl: string, name: string, retryMs = 1_000): SingletonLease {
  let client: pg.Client | undefined;
  let held = false;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const drop = () => {
    held = false;
    const lost = client;
    client = undefined;
    void lost?.end().catch(() => undefined);
  };
  const attempt = async () => {
    if (!client) {
      const fresh = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      fresh.on('error', () => {
        if (client === fresh) drop();
      });
      await fresh.connect();
      client = fresh;
    }
    if (held) {
      await client.query('SELECT 1'); // a dead session shows here, and its lock is gone with it
      return;
    }
    held = (await client.query<{ held: boolean }>(tryLockSql, [name])).rows[0]!.held;
    if (held) for (const wake of waiters.splice(0)) wake();
  };
  let running = Promise.resolve();
  const tick = () => {
    running = attempt().catch(drop);
  };
  tick();
  const timer = setInterval(tick, retryMs);
  return {
    isHeld: () => held && !stopped,
    whenHeld: () => (held ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      waiters = [];
      held = false;
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

/**
 * Runs `work` only if no other instance holds the lease `name`, holding it until `work` ends;
 * throws when another instance is running it (a second cron run of the same job, say).
 */
export async function runAsSingleton<T>(databaseUrl: string, name: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ held: boolean }>(tryLockSql, [name]);
    if (!rows[0]!.held) throw new Error(`${name} is already running on another instance`);
    return await work();
  } finally {
    await client.end().catch(() => undefined);
  }
}
