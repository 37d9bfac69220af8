import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds, testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let letterId: string;
let auditorKey: string;
let otherSenderKey: string;

beforeAll(async () => {
  stack = await startTestStack();
  const client = async (body: object) =>
    (await stack.api().post('/v1/admin/clients').auth(stack.adminKey, { type: 'bearer' }).send(body)).body
      .key as string;
  auditorKey = await client({ name: 'Revision', roles: ['auditor'] });
  otherSenderKey = await client({ name: 'Lægesystem', roles: ['sender'], senders: [sorIds.gpClinic] });
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  letterId = res.body.id;
  await waitForStatus(stack, letterId, 'delivered');
});
afterAll(async () => {
  await stack?.stop();
});

describe('API clients and their keys', () => {
  it('an admin creates a client whose key is shown once and stored hashed', async () => {
    const res = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Nexus Testby', roles: ['sender'], senders: [sorIds.socialPsychiatry] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), key: expect.stringMatching(/^pb_/) });
    const stored = await stack.database.db.query('SELECT key_hash FROM api_clients WHERE id = $1', [res.body.id]);
    expect(stored.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0].key_hash).not.toContain(res.body.key);
  });

  it('a missing or wrong key → 401 problem+json; a wrong role → 403', async () => {
    const none = await stack.api().get(`/v1/messages/${letterId}`);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/problem\+json/);
    expect(
      (await stack.api().get(`/v1/messages/${letterId}`).auth('pb_not-a-real-key-at-all', { type: 'bearer' })).status,
    ).toBe(401);
    const forbidden = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.senderKey, { type: 'bearer' })
      .send({ name: 'x', roles: ['admin'] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('role-forbidden');
  });
});

describe('who sees a letter', () => {
  it('its sender sees status, XML and events; another sender gets 404', async () => {
    expect(
      (await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' })).body.status,
    ).toBe('delivered');
    const xml = await stack.api().get(`/v1/messages/${letterId}/xml`).auth(stack.senderKey, { type: 'bearer' });
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/fhir\+xml/);
    for (const path of ['', '/xml', '/events']) {
      expect(
        (await stack.api().get(`/v1/messages/${letterId}${path}`).auth(otherSenderKey, { type: 'bearer' })).status,
      ).toBe(404);
    }
  });

  it('an auditor sees status and events but never the XML, and no answer holds the full CPR', async () => {
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(auditorKey, { type: 'bearer' });
    const events = await stack.api().get(`/v1/messages/${letterId}/events`).auth(auditorKey, { type: 'bearer' });
    expect(status.status).toBe(200);
    expect(events.status).toBe(200);
    expect(JSON.stringify([status.body, events.body])).not.toContain(testCpr);
    expect((await stack.api().get(`/v1/messages/${letterId}/xml`).auth(auditorKey, { type: 'bearer' })).status).toBe(
      403,
    );
  });
});

describe('directory', () => {
  it('validates the EAN check digit and SOR id, and answers a mailbox with its path', async () => {
    const bad = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({
        sorId: '400001000016009',
        ean: '5790000209355',
        name: 'X',
        sector: 'gp',
        accepts: ['CareCommunication'],
      });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('ean-invalid');
    const badSor = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ sorId: 'SOR-12', ean: '5790000209354', name: 'X', sector: 'gp', accepts: ['CareCommunication'] });
    expect(badSor.status).toBe(422);
    const got = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.socialPsychiatry}`)
      .auth(stack.senderKey, { type: 'bearer' });
    expect(got.body).toMatchObject({
      sorId: sorIds.socialPsychiatry,
      sector: 'municipality',
      path: ['Testby Kommune', 'Testby Kommune, Socialpsykiatri'],
    });
    const denied = await stack.api().post('/v1/directory/mailboxes').auth(stack.senderKey, { type: 'bearer' }).send({});
    expect(denied.status).toBe(403);
  });
});
