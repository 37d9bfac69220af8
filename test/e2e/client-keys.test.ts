import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientExistsForKey } from '../../gateway/clients/client-store.ts';
import { bootstrapClients } from '../../gateway/clients/bootstrap-clients.ts';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../gateway/cli.ts', import.meta.url));

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

async function newClient(name: string): Promise<{ id: string; key: string }> {
  const res = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name, roles: ['sender'], senders: [sorIds.psychiatryUnit] });
  expect(res.status).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

/** A call any sender may make: 200 with a working key, 401 with a refused one. */
const statusWith = async (key: string) =>
  (await stack.api().get(`/v1/directory/mailboxes/${sorIds.gpClinic}`).auth(key, { type: 'bearer' })).status;

const admin = (method: 'get' | 'post', path: string) =>
  stack.api()[method](path).auth(stack.adminKey, { type: 'bearer' });

async function postbud(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, 'clients', ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: stack.database.url },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

async function auditActions(clientId: string): Promise<Array<{ action: string; actor: string }>> {
  const result = await stack.database.db.query<{ action: string; actor: string }>(
    `SELECT action, actor_name AS actor FROM audit_events WHERE details->>'clientId' = $1 ORDER BY seq`,
    [clientId],
  );
  return result.rows;
}

describe('admins revoke and rotate API keys over HTTP', () => {
  it('lists clients with their roles and state, never a key or its hash', async () => {
    const { id, key } = await newClient('Sundhedsplatformen');
    const res = await admin('get', '/v1/admin/clients');
    expect(res.status).toBe(200);
    expect(res.body.clients).toContainEqual(
      expect.objectContaining({ id, name: 'Sundhedsplatformen', roles: ['sender'], active: true, revokedAt: null }),
    );
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/key_?hash|[0-9a-f]{64}/i);
  });

  it('a revoked key is refused at once; revoking is audited and leaves the client listed as revoked', async () => {
    const { id, key } = await newClient('EPJ to retire');
    expect(await statusWith(key)).toBe(200);
    const res = await admin('post', `/v1/admin/clients/${id}/revoke`);
    expect(res.status).toBe(200);
    expect(await statusWith(key)).toBe(401);
    expect((await admin('get', '/v1/admin/clients')).body.clients).toContainEqual(
      expect.objectContaining({ id, active: false, revokedAt: expect.any(String) }),
    );
    expect(await auditActions(id)).toEqual([
      { action: 'client-created', actor: 'bootstrap-admin' },
      { action: 'client-revoked', actor: 'bootstrap-admin' },
    ]);
    expect((await admin('post', `/v1/admin/clients/${id}/rotate`)).body.code).toBe('client-revoked');
  });

  it('rotation answers a new key once; the old key is refused at once, the new one works', async () => {
    const { id, key } = await newClient('EPJ with a leaked key');
    const res = await admin('post', `/v1/admin/clients/${id}/rotate`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.key).toMatch(/^pb_/);
    expect(await statusWith(key)).toBe(401);
    expect(await statusWith(res.body.key)).toBe(200);
    expect((await auditActions(id)).map((event) => event.action)).toEqual(['client-created', 'client-key-rotated']);
    const trail = await stack.database.db.query(
      "SELECT details::text AS d FROM audit_events WHERE action = 'client-key-rotated'",
    );
    expect(trail.rows.map((row) => row.d).join()).not.toContain(res.body.key.slice(3));
  });

  it('unknown clients are 404, an admin cannot revoke itself, and only admins may do any of it', async () => {
    expect((await admin('post', '/v1/admin/clients/00000000-0000-4000-8000-000000000000/revoke')).status).toBe(404);
    expect((await admin('post', '/v1/admin/clients/not-an-id/rotate')).status).toBe(404);
    const self = (await admin('get', '/v1/admin/clients')).body.clients.find(
      (c: { name: string }) => c.name === 'bootstrap-admin',
    );
    expect((await admin('post', `/v1/admin/clients/${self.id}/revoke`)).body.code).toBe('client-revoke-self');
    const { id } = await newClient('Another EPJ');
    for (const path of ['/v1/admin/clients', `/v1/admin/clients/${id}/revoke`, `/v1/admin/clients/${id}/rotate`]) {
      const method = path === '/v1/admin/clients' ? 'get' : 'post';
      expect((await stack.api()[method](path).auth(stack.senderKey, { type: 'bearer' })).status).toBe(403);
    }
    expect(await statusWith(stack.senderKey)).toBe(200);
  });
});

describe('operators revoke and rotate API keys with `postbud clients`', () => {
  it('revoke refuses the key at once and is audited with the command as actor', async () => {
    const { id, key } = await newClient('EPJ revoked from the shell');
    const result = await postbud('revoke', id);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`revoked: ${id}`);
    expect(await statusWith(key)).toBe(401);
    expect((await auditActions(id)).at(-1)).toEqual({ action: 'client-revoked', actor: 'postbud clients revoke' });
  });

  it('rotate prints the new key once; the old key is refused, the new one works', async () => {
    const { id, key } = await newClient('EPJ rotated from the shell');
    const result = await postbud('rotate', id);
    expect(result.code).toBe(0);
    const printed = result.stdout.trim().split('\n');
    const newKey = printed.at(-1)!;
    expect(newKey).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    expect(result.stdout.split(newKey)).toHaveLength(2);
    expect(await statusWith(key)).toBe(401);
    expect(await statusWith(newKey)).toBe(200);
    expect((await auditActions(id)).at(-1)).toEqual({ action: 'client-key-rotated', actor: 'postbud clients rotate' });
  });

  it('list shows clients without keys; an unknown client or bad usage exits 1 with one line', async () => {
    const list = await postbud('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('bootstrap-admin');
    expect(list.stdout).not.toContain(stack.adminKey);
    const unknown = await postbud('revoke', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('postbud clients: No API client has this id.');
    expect((await postbud('rotate')).code).toBe(1);
  });
});

describe('the bootstrap admin key', () => {
  it('once rotated away, is never issued again, not even by the bootstrap at the next start', async () => {
    const self = (await admin('get', '/v1/admin/clients')).body.clients.find(
      (c: { name: string }) => c.name === 'bootstrap-admin',
    );
    const oldKey = stack.adminKey;
    const rotated = await admin('post', `/v1/admin/clients/${self.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(await apiClientExistsForKey(stack.database.db, oldKey)).toBe(true);
    expect(await bootstrapClients(stack.database.db, stack.config)).toEqual([]);
    expect(await statusWith(oldKey)).toBe(401);
    stack.adminKey = rotated.body.key;
  });
});

describe('keys whose roles together would see more than each role is for', () => {
  const create = (roles: string[]) =>
    stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: `Blandet ${roles.join('+')}`, roles, senders: [] });

  it.each([[['sender', 'adapter']], [['admin', 'adapter']], [['auditor', 'adapter']], [['auditor', 'sender']]])(
    'refuses %j',
    async (roles) => {
      const res = await create(roles);
      expect([res.status, res.body.code]).toEqual([422, 'role-mix-refused']);
      expect(res.body.key).toBeUndefined();
    },
  );

  it('flags an adapter key minted over the API in the audit trail', async () => {
    const res = await create(['adapter']);
    expect(res.status).toBe(201);
    const auditor = await create(['auditor']);
    const events = await stack
      .api()
      .get('/v1/audit/events?action=client-created')
      .auth(auditor.body.key as string, { type: 'bearer' });
    const minted = events.body.events.find(
      (event: { details: { clientId?: string } }) => event.details.clientId === res.body.id,
    );
    expect(minted.details.flag).toBe('adapter-key-minted');
  });
});
