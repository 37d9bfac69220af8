import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Who looked at a patient: every read of patient data leaves an access event before it is
 * answered, auditors search them by CPR (in a POST body) or letter, and nobody rewrites them.
 */

let stack: TestStack;
let auditor: { id: string; key: string };
let letterId: string;
const get = (path: string, key: string) => stack.api().get(path).auth(key, { type: 'bearer' });
const search = (body: object, key = auditor.key) =>
  stack.api().post('/v1/audit/access-events/search').auth(key, { type: 'bearer' }).send(body);
interface Item {
  at: string;
  clientId: string;
  clientName: string;
  action: string;
  letterId?: string;
  cprHash?: string;
  remoteAddress: string;
}
const itemsOf = (body: { items: Item[] }) => body.items;

beforeAll(async () => {
  stack = await startTestStack();
  const created = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditor = created.body as { id: string; key: string };
  const letter = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  letterId = letter.body.id as string;
  await waitForStatus(stack, letterId, 'delivered');
});
afterAll(async () => {
  await stack?.stop();
});

describe('every read of patient data is recorded', () => {
  it("records the sender's reads of status, XML, events, acknowledgement and thread, with who and from where", async () => {
    const since = new Date().toISOString();
    await stack
      .api()
      .post('/v1/acknowledgements')
      .auth(stack.adapterKey, { type: 'bearer' })
      .send({ messageId: letterId, outcome: 'positive' })
      .expect(200);
    const { rows } = await stack.database.db.query('SELECT communication_id FROM letters WHERE id = $1', [letterId]);
    for (const path of [
      `/v1/messages/${letterId}`,
      `/v1/messages/${letterId}/xml`,
      `/v1/messages/${letterId}/events`,
      `/v1/messages/${letterId}/acknowledgement`,
      `/v1/threads/${rows[0].communication_id}`,
    ])
      expect((await get(path, stack.senderKey)).status, path).toBe(200);

    const res = await search({ letterId, from: since });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const reads = itemsOf(res.body);
    expect(reads.map((item) => item.action).sort()).toEqual(
      ['letter.acknowledgement', 'letter.events', 'letter.status', 'letter.thread', 'letter.xml'].sort(),
    );
    for (const item of reads) {
      expect(item).toMatchObject({ letterId, remoteAddress: expect.stringMatching(/127\.0\.0\.1|::1/) });
      expect(Date.parse(item.at)).toBeGreaterThanOrEqual(Date.parse(since));
    }
    // One client made them all, and the log names it as the client list does.
    expect(new Set(reads.map((item) => item.clientId)).size).toBe(1);
    const clients = await get('/v1/admin/clients', stack.adminKey);
    const sender = (clients.body.clients as Array<{ id: string; name: string }>).find(
      (c) => c.id === reads[0]!.clientId,
    );
    expect(reads[0]!.clientName).toBe(sender?.name);
  });

  it("finds, by CPR, the reads of the patient's letters and the auditors' searches by that CPR, without the CPR", async () => {
    expect((await get(`/v1/audit/events?cpr=${testCpr}`, auditor.key)).status).toBe(200);
    expect((await get(`/v1/audit/events.csv?cpr=${testCpr}`, auditor.key)).status).toBe(200);
    expect((await get(`/v1/audit/letters/${letterId}/trace`, auditor.key)).status).toBe(200);

    const res = await search({ cpr: `${testCpr.slice(0, 6)}-${testCpr.slice(6)}` });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(testCpr.slice(6));
    const items = itemsOf(res.body);
    const byAuditor = items.filter((item) => item.clientId === auditor.id);
    expect(byAuditor.map((item) => item.action)).toEqual(
      expect.arrayContaining(['audit.search-by-cpr', 'audit.export', 'audit.trace']),
    );
    const cprSearch = byAuditor.find((item) => item.action === 'audit.search-by-cpr')!;
    expect(cprSearch.cprHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cprSearch.letterId).toBeUndefined();
    expect(byAuditor.find((item) => item.action === 'audit.trace')!.letterId).toBe(letterId);
    // The sender's reads of the letter count as looks at the patient too.
    expect(items.some((item) => item.action === 'letter.status' && item.clientId !== auditor.id)).toBe(true);
    // Newest first.
    const times = items.map((item) => Date.parse(item.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('records the search of the access log itself, and narrows by period', async () => {
    const before = new Date().toISOString();
    await search({ cpr: testCpr }).expect(200);
    const res = await search({ cpr: testCpr, from: before });
    expect(itemsOf(res.body).map((item) => item.action)).toEqual(['audit.access-log']);
    expect((await search({ cpr: testCpr, to: '2000-01-01T00:00:00Z' })).body).toEqual({ items: [] });
    const other = await search({ cpr: '0101010000' });
    expect(itemsOf(other.body).every((item) => item.action === 'audit.access-log')).toBe(true);
  });

  it('does not record a read that was refused', async () => {
    const outsider = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Andet system', roles: ['sender'], senders: ['123456789012'] });
    const before = new Date().toISOString();
    expect((await get(`/v1/messages/${letterId}`, outsider.body.key as string)).status).toBe(404);
    const items = itemsOf((await search({ letterId, from: before })).body);
    expect(items.filter((item) => item.clientId === outsider.body.id)).toEqual([]);
  });

  it('refuses malformed searches with problem+json and no CPR echoed', async () => {
    for (const body of [{ cpr: '3213131234' }, { cpr: 'abc' }, { letterId: 'x' }, { from: 'yesterday' }, { who: 1 }]) {
      const res = await search(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain('3213131234');
    }
    expect((await search({}, stack.senderKey)).status).toBe(403);
  });
});

describe('the access log fails closed and is append-only', () => {
  it('answers 503 and shows nothing of the letter when the read cannot be recorded', async () => {
    const { db } = stack.database;
    await db.query(`CREATE FUNCTION refuse_access() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await db.query(
      'CREATE TRIGGER refuse_access BEFORE INSERT ON access_events FOR EACH ROW EXECUTE FUNCTION refuse_access()',
    );
    try {
      for (const path of [
        `/v1/messages/${letterId}`,
        `/v1/messages/${letterId}/xml`,
        `/v1/messages/${letterId}/events`,
      ]) {
        const res = await get(path, stack.senderKey);
        expect(res.status, path).toBe(503);
        expect(res.body).toMatchObject({ code: 'access-log-unavailable' });
        expect(res.text).not.toContain('Berggren');
        expect(res.text).not.toContain('recipient');
      }
      expect((await get(`/v1/audit/letters/${letterId}/trace`, auditor.key)).status).toBe(503);
    } finally {
      await db.query('DROP TRIGGER refuse_access ON access_events');
      await db.query('DROP FUNCTION refuse_access()');
    }
    expect((await get(`/v1/messages/${letterId}`, stack.senderKey)).status).toBe(200);
  });

  it('refuses UPDATE, DELETE and TRUNCATE even for the owner, and the application role holds no such right', async () => {
    const { db } = stack.database;
    for (const sql of [
      `UPDATE access_events SET remote_address = 'elsewhere'`,
      'DELETE FROM access_events',
      'TRUNCATE access_events',
    ])
      await expect(db.query(sql), sql).rejects.toMatchObject({ code: '42501', message: /append-only/ });

    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE postbud_app');
      await client.query('SELECT count(*) FROM access_events');
      await client.query('SAVEPOINT s');
      await expect(client.query(`UPDATE access_events SET action = 'letter.status'`)).rejects.toMatchObject({
        code: '42501',
        message: /permission denied/,
      });
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query('DELETE FROM access_events')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(itemsOf((await search({ letterId })).body).length).toBeGreaterThan(0);
  });
});
