import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../gateway/platform/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { waitForSealedTrail } from '../support/sealed-trail.ts';

const run = promisify(execFile);

let stack: TestStack;
let db: Db;
let auditorKey: string;

/** `postbud audit verify` against the stack's database: its JSON line and exit code. */
async function cliVerify(...args: string[]): Promise<{ code: number; result: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', 'audit', 'verify', ...args], {
      env: { ...process.env, DATABASE_URL: stack.database.url },
    });
    return { code: 0, result: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, result: JSON.parse(failed.stdout) };
  }
}

const apiVerify = async (query = '') =>
  (await stack.api().get(`/v1/audit/verify${query}`).auth(auditorKey, { type: 'bearer' })).body;

/** What a superuser could do: lift the guard, change the trail, put the guard back. */
async function asSuperuser(sql: string, values: unknown[] = []): Promise<void> {
  await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
  try {
    await db.query(sql, values);
  } finally {
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
  }
}

const eventCount = async () => Number((await db.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);

beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  db = stack.database.db;
  const created = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = created.body.key;
  // A few more events: each new client is one.
  for (const name of ['A', 'B', 'C', 'D', 'E']) {
    await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: `Klient ${name}`, roles: ['auditor'] });
  }
  expect(await eventCount()).toBeGreaterThanOrEqual(8);
  await waitForSealedTrail(db);
});
afterAll(async () => {
  await stack?.stop();
});

describe('the database refuses to change the trail', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on audit_events, even for its owner', async () => {
    for (const sql of [
      `UPDATE audit_events SET details = '{"edited":true}' WHERE seq = 2`,
      'DELETE FROM audit_events WHERE seq = 2',
      'TRUNCATE audit_events',
    ]) {
      await expect(db.query(sql)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/append-only/),
      });
    }
    expect((await apiVerify()).ok).toBe(true);
  });

  it('gives the application role postbud_app INSERT and SELECT on the trail, but no UPDATE or DELETE', async () => {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE postbud_app');
      await client.query('SELECT count(*) FROM audit_events');
      await client.query('SAVEPOINT s');
      await expect(client.query(`UPDATE audit_events SET action = 'x' WHERE seq = 1`)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/),
      });
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('verify finds what a superuser changed', () => {
  it('reports an intact chain with the number of events checked', async () => {
    const count = await eventCount();
    expect(await apiVerify()).toMatchObject({
      ok: true,
      checked: count,
      lastSeq: count,
      lastHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await cliVerify()).toMatchObject({ code: 0, result: { ok: true, checked: count } });
    expect(await apiVerify('?from=3&to=5')).toMatchObject({ ok: true, checked: 3, lastSeq: 5 });
    expect(await apiVerify('?to=2000-01-01')).toEqual({ ok: true, checked: 0 });
  });

  it('reports an edited event at exactly its sequence number, in the API and on the CLI (exit 1)', async () => {
    const original = (await db.query('SELECT details FROM audit_events WHERE seq = 4')).rows[0].details;
    await asSuperuser(`UPDATE audit_events SET details = details || '{"roles":["admin"]}' WHERE seq = 4`);
    expect(await apiVerify()).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'hash-mismatch', checked: 3 });
    expect(await cliVerify()).toMatchObject({ code: 1, result: { ok: false, firstBrokenSeq: 4 } });
    // A range that ends before the edit does not see it; one that starts after it does not either.
    expect((await apiVerify('?to=3')).ok).toBe(true);
    expect((await apiVerify('?from=5')).ok).toBe(true);

    await asSuperuser('UPDATE audit_events SET details = $1 WHERE seq = 4', [original]);
    expect((await apiVerify()).ok).toBe(true);
  });

  it('reports an edit that also recomputed the hash at the next event, whose link no longer holds', async () => {
    const row = (await db.query('SELECT hash FROM audit_events WHERE seq = 3')).rows[0];
    await asSuperuser(`UPDATE audit_events SET hash = repeat('a', 64) WHERE seq = 3`);
    expect(await apiVerify()).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'hash-mismatch' });
    await asSuperuser('UPDATE audit_events SET hash = $1 WHERE seq = 3', [row.hash]);
    expect((await apiVerify()).ok).toBe(true);
  });

  it('reports a deleted event at its sequence number', async () => {
    const deleted = (await db.query('SELECT * FROM audit_events WHERE seq = 6')).rows[0];
    await asSuperuser('DELETE FROM audit_events WHERE seq = 6');
    expect(await apiVerify()).toMatchObject({ ok: false, firstBrokenSeq: 6, reason: 'missing', checked: 5 });
    expect(await cliVerify('--from', '2')).toMatchObject({ code: 1, result: { firstBrokenSeq: 6 } });
    expect(await apiVerify('?from=7')).toMatchObject({ ok: false, firstBrokenSeq: 6, reason: 'missing' });

    // INSERT is allowed: putting the very row back makes the chain whole again.
    await db.query(
      `INSERT INTO audit_events (seq, at, actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        deleted.seq,
        deleted.at,
        deleted.actor_id,
        deleted.actor_name,
        deleted.action,
        deleted.letter_id,
        deleted.sor_id,
        deleted.details,
        deleted.prev_hash,
        deleted.hash,
      ],
    );
    expect((await apiVerify()).ok).toBe(true);
  });

  it('reports two events swapped in order', async () => {
    // Through a free number: the primary key is checked row by row.
    const swap =
      'UPDATE audit_events SET seq = -1 WHERE seq = 5; UPDATE audit_events SET seq = 5 WHERE seq = 7; UPDATE audit_events SET seq = 7 WHERE seq = -1';
    await asSuperuser(swap);
    expect(await apiVerify()).toMatchObject({ ok: false, firstBrokenSeq: 5 });
    await asSuperuser(swap);
    expect((await apiVerify()).ok).toBe(true);
  });

  it('is for auditors only', async () => {
    for (const key of [stack.adminKey, stack.senderKey, stack.adapterKey]) {
      expect((await stack.api().get('/v1/audit/verify').auth(key, { type: 'bearer' })).status).toBe(403);
    }
  });
});
