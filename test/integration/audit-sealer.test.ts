import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAuditTrail } from '../../gateway/audit/audit-sealer.ts';
import { sealEvents, unsealedBacklog, unsealedBatch } from '../../gateway/audit/audit-store.ts';
import { appendAuditEvents, eventHash, systemActor } from '../../gateway/audit/audit-trail.ts';
import { verifyAuditChain } from '../../gateway/audit/audit-verify.ts';
import { beginTransaction } from '../../gateway/platform/db.ts';
import { createMetrics } from '../../gateway/platform/metrics.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const seqs = async () =>
  (await database.db.query<{ seq: string | null; action: string }>('SELECT seq, action FROM audit_events ORDER BY id'))
    .rows;
const total = async () => Number((await database.db.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
const unsealedCount = async () => (await unsealedBacklog(database.db)).count;

describe('the audit sealer', () => {
  it('chains events of many concurrent transactions without making them wait for each other', async () => {
    // Twelve transactions hold their events uncommitted at the same time: none waits on another.
    const open = await Promise.all(Array.from({ length: 12 }, () => beginTransaction(database.db)));
    await Promise.all(
      open.map((transaction, i) =>
        appendAuditEvents(transaction.tx, systemActor, [
          { action: 'queued', details: { n: i } },
          { action: 'delivered', details: { n: i } },
        ]),
      ),
    );
    expect(await unsealedCount()).toBe(0);
    await Promise.all(open.map((transaction) => transaction.commit()));
    expect(await unsealedCount()).toBe(24);

    expect(await sealAuditTrail(database.db, { batchSize: 7 })).toBe(24);
    const rows = await seqs();
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: 24, lastSeq: 24 });
  });

  it('follows commit order: an event written first but committed last is sealed last', async () => {
    const early = await beginTransaction(database.db);
    await appendAuditEvents(early.tx, systemActor, [{ action: 'written-first' }]);
    await appendAuditEvents(database.db, systemActor, [{ action: 'written-second' }]);
    await sealAuditTrail(database.db);
    await early.commit();
    await sealAuditTrail(database.db);
    const byAction = new Map((await seqs()).map((row) => [row.action, Number(row.seq)]));
    expect(byAction.get('written-second')).toBe(25);
    expect(byAction.get('written-first')).toBe(26);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: 26 });
  });

  it('makes one chain when several sealers race while events are being written', async () => {
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i += 1)
        await appendAuditEvents(database.db, systemActor, [{ action: 'raced', details: { w, i } }]);
    });
    const sealers = Array.from({ length: 3 }, async () => {
      while (writing) await sealAuditTrail(database.db, { batchSize: 5 });
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    writing = false;
    await Promise.all([...writers, ...sealers]);
    await sealAuditTrail(database.db);
    const count = Number((await database.db.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
    expect(count).toBeGreaterThan(50);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: count, lastSeq: count });
  });

  it('fails the whole batch of a sealer that lost a race, and leaves the chain intact', async () => {
    // A slow sealer reads the pending events while an earlier-written one is still uncommitted…
    const late = await beginTransaction(database.db);
    await appendAuditEvents(late.tx, systemActor, [{ action: 'committed-late' }]);
    await appendAuditEvents(database.db, systemActor, [{ action: 'committed-early' }]);
    const { end, events } = await unsealedBatch(database.db, 10);
    expect(events.map((event) => event.action)).toEqual(['committed-early']);
    // …meanwhile the late one commits and another sealer seals both.
    await late.commit();
    expect(await sealAuditTrail(database.db)).toBe(2);
    const seq = end!.seq + 1;
    const stale = [{ id: events[0]!.id, seq, prevHash: end!.hash, hash: eventHash(end!.hash, { seq, ...events[0]! }) }];
    // Its event is sealed already and skipped; had it other events, their numbers are taken.
    expect(await sealEvents(database.db, stale)).toBe(0);
    await appendAuditEvents(database.db, systemActor, [{ action: 'next' }]);
    const next = (await unsealedBatch(database.db, 10)).events[0]!;
    await expect(
      sealEvents(database.db, [...stale, { id: next.id, seq: seq + 1, prevHash: 'p', hash: 'h' }]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await sealAuditTrail(database.db)).toBe(1);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: await total() });
  });

  it('leaves nothing half-sealed when the sealer dies mid-batch, and the next one completes the chain', async () => {
    await appendAuditEvents(database.db, systemActor, [{ action: 'a' }, { action: 'b' }, { action: 'c' }]);
    // A sealer that has written its seals but dies before COMMIT: its connection is cut.
    const dying = await beginTransaction(database.db);
    dying.tx.on('error', () => undefined);
    await dying.tx.query(
      `UPDATE audit_events SET seq = 1000 + id, prev_hash = repeat('0', 64), hash = repeat('f', 64) WHERE seq IS NULL`,
    );
    const pid = (await dying.tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await database.db.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect(dying.commit()).rejects.toThrow();
    expect(await unsealedCount()).toBe(3);

    expect(await sealAuditTrail(database.db)).toBe(3);
    expect(await verifyAuditChain(database.db)).toMatchObject({
      ok: true,
      checked: await total(),
      lastSeq: await total(),
    });
  });

  it('lets an unsealed event receive only its seal, and never changes a sealed one', async () => {
    await appendAuditEvents(database.db, systemActor, [{ action: 'pending', details: { x: 1 } }]);
    for (const sql of [
      `UPDATE audit_events SET details = '{"x":2}' WHERE seq IS NULL`,
      `UPDATE audit_events SET details = '{"x":2}', seq = 99, prev_hash = 'p', hash = 'h' WHERE seq IS NULL`,
      'DELETE FROM audit_events WHERE seq IS NULL',
      `UPDATE audit_events SET seq = 100000 WHERE seq = 1`,
      `UPDATE audit_events SET hash = repeat('a', 64) WHERE seq = 1`,
    ]) {
      await expect(database.db.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
    // Half a seal is refused by the table itself.
    await expect(database.db.query('UPDATE audit_events SET seq = 100000 WHERE seq IS NULL')).rejects.toMatchObject({
      code: '23514',
    });
    expect(await sealAuditTrail(database.db)).toBe(1);
  });

  it('lets the application role write seals but no other column of an event', async () => {
    await appendAuditEvents(database.db, systemActor, [{ action: 'pending' }]);
    const client = await database.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE postbud_app');
      await client.query('SAVEPOINT s');
      await expect(client.query(`UPDATE audit_events SET action = 'x' WHERE seq IS NULL`)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/),
      });
      await client.query('ROLLBACK TO SAVEPOINT s');
      await client.query(`UPDATE audit_events SET seq = 100000, prev_hash = 'p', hash = 'h' WHERE seq IS NULL`);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await sealAuditTrail(database.db)).toBe(1);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: await total() });
  });

  it('exports the sealing lag: the age of the oldest unsealed event', async () => {
    const metrics = createMetrics({ auditBacklog: () => unsealedBacklog(database.db) });
    const gauge = async (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);
    expect(await gauge('postbud_audit_sealing_lag_seconds')).toBe(0);
    await appendAuditEvents(database.db, systemActor, [{ action: 'pending' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await gauge('postbud_audit_sealing_lag_seconds')).toBeGreaterThanOrEqual(0.25);
    expect(await gauge('postbud_audit_unsealed_events')).toBe(1);
    await sealAuditTrail(database.db);
    expect(await gauge('postbud_audit_sealing_lag_seconds')).toBe(0);
  });
});
