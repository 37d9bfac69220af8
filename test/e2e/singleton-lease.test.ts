import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsSingleton, startSingletonLease } from '../../gateway/platform/singleton-lease.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Ends the session holding the advisory lock, as a killed process or a cut connection would. */
async function killHolder(): Promise<number> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(l.pid) AS ended FROM pg_locks l
       WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows.filter((row) => row.ended).length;
  } finally {
    await admin.end();
  }
}

describe('singleton work on one instance at a time', () => {
  it('of two instances one holds the lease; when its session dies the other takes over', async () => {
    // The first retries rarely: it stands for a holder that died, not one that comes straight back.
    const first = startSingletonLease(database.url, 'test job', 3_000);
    await first.whenHeld();
    const second = startSingletonLease(database.url, 'test job', 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect([first.isHeld(), second.isHeld()]).toEqual([true, false]);

      expect(await killHolder()).toBe(1);
      await second.whenHeld();
      await until(() => !first.isHeld());

      // The old holder comes back (its next try reconnects) but waits: the lease has moved on.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect([first.isHeld(), second.isHeld()]).toEqual([false, true]);
    } finally {
      await second.stop();
    }
    // Stopping releases it, and the first takes it again.
    await first.whenHeld();
    expect(first.isHeld()).toBe(true);
    await first.stop();
  });

  it('a second run of a one-shot job is refused while the first runs, and allowed after', async () => {
    let release = () => {};
    const running = runAsSingleton(
      database.url,
      'purge',
      () => new Promise<string>((done) => (release = () => done('first'))),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(runAsSingleton(database.url, 'purge', async () => 'second')).rejects.toThrow(/already running/);
    // Another job's name is another lease.
    expect(await runAsSingleton(database.url, 'rotation', async () => 'other')).toBe('other');
    release();
    expect(await running).toBe('first');
    expect(await runAsSingleton(database.url, 'purge', async () => 'third')).toBe('third');
  });
});
