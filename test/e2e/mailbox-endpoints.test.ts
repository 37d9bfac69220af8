import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let auditorKey: string;
beforeAll(async () => {
  // As in production: no allow-list, https only.
  stack = await startTestStack({
    adapters: false,
    env: { POSTBUD_ENDPOINT_HOSTS: '', POSTBUD_ENDPOINT_ALLOW_HTTP: 'false' },
  });
  const auditor = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revisor', roles: ['auditor'] });
  auditorKey = auditor.body.key as string;
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ type: 'bearer' as const });
const mailbox = (sorId: string, endpoint: string) => ({
  sorId,
  ean: '5790000000005',
  name: `Modtager ${sorId}`,
  sector: 'gp',
  accepts: ['CareCommunication'],
  endpoint,
});

describe('mailbox endpoints are not server-side request targets', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'https://2130706433:8080/v1/admin/clients',
    'https://localhost/v1/messages',
    'https://[::1]/',
    'https://10.0.0.7/in',
    'http://epj.example.org/in',
    'https://user:pass@epj.example.org/in',
  ])('refuses %s on create and on change, storing nothing', async (endpoint) => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, admin())
      .send(mailbox('990001000016001', endpoint));
    expect([created.status, created.body.code]).toEqual([422, 'endpoint-not-allowed']);
    expect(JSON.stringify(created.body)).not.toContain('pass');
    const missing = await stack.api().get('/v1/directory/mailboxes/990001000016001').auth(stack.adminKey, admin());
    expect(missing.status).toBe(404);
    const current = await stack.api().get(`/v1/directory/mailboxes/${sorIds.gpClinic}`).auth(stack.adminKey, admin());
    const patched = await stack
      .api()
      .patch(`/v1/directory/mailboxes/${sorIds.gpClinic}`)
      .auth(stack.adminKey, admin())
      .set('if-match', String(current.headers.etag))
      .send({ endpoint });
    expect([patched.status, patched.body.code]).toEqual([422, 'endpoint-not-allowed']);
  });

  it('refuses such rows in an import, naming the line, and imports the rest', async () => {
    const csv = [
      'sorId;name;sector;ean;accepts;endpoint',
      '990002000016002;Klinik A;gp;5790000000005;CareCommunication;https://epj.example.org/in',
      '990003000016003;Klinik B;gp;5790000000005;CareCommunication;https://169.254.169.254/',
    ].join('\n');
    const res = await stack
      .api()
      .post('/v1/directory/import')
      .auth(stack.adminKey, admin())
      .set('content-type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);
    expect(res.body.rejected).toEqual([
      expect.objectContaining({ line: 3, sorId: '990003000016003', reason: expect.stringMatching(/^endpoint /) }),
    ]);
  });

  it('shows an endpoint to admins only: not in mailbox, history or search answers for other roles', async () => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, admin())
      .send(mailbox('990004000016004', 'https://epj.example.org/in/token-abc'));
    expect(created.status).toBe(201);
    const paths = ['/v1/directory/mailboxes/990004000016004', '/v1/directory/mailboxes/990004000016004/history'];
    for (const path of paths) {
      const asAdmin = await stack.api().get(path).auth(stack.adminKey, admin());
      expect(JSON.stringify(asAdmin.body)).toContain('token-abc');
      for (const key of [stack.senderKey, auditorKey]) {
        const res = await stack.api().get(path).auth(key, admin());
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain('token-abc');
      }
    }
    const search = await stack.api().get('/v1/directory/mailboxes?q=Modtager').auth(stack.senderKey, admin());
    expect(JSON.stringify(search.body)).not.toContain('token-abc');
    const trail = await stack.api().get('/v1/audit/events?sorId=990004000016004').auth(auditorKey, admin());
    expect(trail.status).toBe(200);
    expect(JSON.stringify(trail.body)).not.toContain('token-abc');
  });
});

describe('mailbox names that read as another mailbox are refused', () => {
  it.each([
    ['a Cyrillic о', 'Aarhus Kommune, S\u043ecialpsykiatri'],
    ['a bidi override', 'Psykiatri \u202eNORD'],
    ['a zero-width space', 'Socialpsy\u200bkiatri'],
  ])('%s in a name, by the API and by import', async (_what, name) => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, admin())
      .send({ ...mailbox('990005000016005', 'https://epj.example.org/in'), name });
    expect([created.status, created.body.code]).toEqual([422, 'mailbox-name-invalid']);
    const csv = `sorId;name;sector;ean;accepts\n990006000016006;${name};gp;5790000000005;CareCommunication\n`;
    const imported = await stack
      .api()
      .post('/v1/directory/import')
      .auth(stack.adminKey, admin())
      .set('content-type', 'text/csv')
      .send(csv);
    expect(imported.body.created).toBe(0);
    expect(imported.body.rejected).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/^name /) }),
    ]);
  });
});

describe('validity periods that cannot be', () => {
  it('refuses validTo before validFrom on create, and on a change against the stored other end', async () => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, admin())
      .send({
        ...mailbox('990007000016007', 'https://epj.example.org/in'),
        validFrom: '2027-01-01',
        validTo: '2026-01-01',
      });
    expect([created.status, created.body.code]).toEqual([422, 'validity-impossible']);
    const ok = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, admin())
      .send({ ...mailbox('990008000016008', 'https://epj.example.org/in'), validFrom: '2027-01-01' });
    expect(ok.status).toBe(201);
    const patched = await stack
      .api()
      .patch('/v1/directory/mailboxes/990008000016008')
      .auth(stack.adminKey, admin())
      .set('if-match', String(ok.headers.etag))
      .send({ validTo: '2026-06-30' });
    expect([patched.status, patched.body.code]).toEqual([422, 'validity-impossible']);
    const after = await stack.api().get('/v1/directory/mailboxes/990008000016008').auth(stack.adminKey, admin());
    expect([after.body.validTo, after.headers.etag]).toEqual([null, ok.headers.etag]);
  });
});
