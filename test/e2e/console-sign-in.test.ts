import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
const sessionCookieOf = (setCookie: string[] | string | undefined) =>
  [setCookie ?? []].flat().find((cookie) => cookie.startsWith('postbud_session='));

/** A browser-like agent signed in with `key`, with the answer of the sign-in. */
async function signedIn(key: string) {
  const agent = request.agent(stack.url);
  const form = await agent.get('/console/sign-in?next=/console/mailboxes/100011000016002');
  const res = await agent
    .post('/console/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(form.text), apiKey: key, next: '/console/mailboxes/100011000016002' });
  return { agent, res };
}

/** Where `/console` sends the agent: the directory when signed in, the sign-in page when not. */
const landing = async (agent: ReturnType<typeof request.agent>) => (await agent.get('/console')).headers.location;

async function newClient(roles: string[]) {
  const res = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: `Konsol ${roles.join('+')}`, roles, senders: [] });
  return res.body as { id: string; key: string };
}

describe('console sign-in', () => {
  it('a wrong key is refused with the form again and no session', async () => {
    const { agent, res } = await signedIn('pb_thisIsNotAnyClientsKeyAtAll123');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Nøglen blev ikke genkendt');
    expect(res.text).toMatch(/aria-invalid="true"/);
    expect(sessionCookieOf(res.headers['set-cookie'])).toBeUndefined();
    expect(await landing(agent)).toBe('/console/sign-in');
  });

  it('the API key is exchanged for a session cookie (HttpOnly, SameSite=Strict, expiring) and the page asked for', async () => {
    const { agent, res } = await signedIn(stack.adminKey);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/mailboxes/100011000016002');
    const cookie = sessionCookieOf(res.headers['set-cookie'])!;
    expect(cookie).toMatch(/^postbud_session=[\w-]{43}; Max-Age=28800; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(await landing(agent)).toBe('/console/directory');

    // Only the token's hash is stored, never the token or the key.
    const token = /^postbud_session=([\w-]+)/.exec(cookie)![1]!;
    const rows = await stack.database.db.query(
      `SELECT token_hash, expires_at - created_at AS lifetime, row_to_json(s)::text AS everything FROM console_sessions s`,
    );
    const row = rows.rows.find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'));
    expect(row).toBeDefined();
    expect(row.everything).not.toContain(token);
    expect(row.everything).not.toContain(stack.adminKey);
    expect(row.lifetime.hours).toBe(8);

    const events = await stack.database.db.query(
      `SELECT action, actor_name FROM audit_events WHERE action LIKE 'console-%'`,
    );
    expect(events.rows).toContainEqual({ action: 'console-signed-in', actor_name: 'bootstrap-admin' });
  });

  it('a sign-in form posted without the visitor token, or from another site, is refused', async () => {
    const agent = request.agent(stack.url);
    const form = await agent.get('/console/sign-in');
    const refused = await agent.post('/console/sign-in').type('form').send({ apiKey: stack.adminKey });
    expect(refused.status).toBe(403);
    expect(sessionCookieOf(refused.headers['set-cookie'])).toBeUndefined();
    const crossSite = await agent
      .post('/console/sign-in')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ _csrf: csrfOf(form.text), apiKey: stack.adminKey });
    expect(crossSite.status).toBe(403);
    // A token from another visitor's page is not this visitor's.
    const other = csrfOf((await request(stack.url).get('/console/sign-in')).text);
    const foreign = await agent.post('/console/sign-in').type('form').send({ _csrf: other, apiKey: stack.adminKey });
    expect(foreign.status).toBe(403);
  });

  it('signing out ends the session on the server: the old cookie opens nothing any more', async () => {
    const { agent, res } = await signedIn(stack.adminKey);
    const token = /^postbud_session=([\w-]+)/.exec(sessionCookieOf(res.headers['set-cookie'])!)![1]!;
    // Every page of a signed-in user has the sign-out button, even the one for a missing page.
    const signedInPage = await agent.get('/console/nowhere');
    expect(signedInPage.text).toContain('Logget ind som bootstrap-admin');
    const sessionCsrf = csrfOf(signedInPage.text);

    const withoutToken = await agent.post('/console/sign-out').type('form').send({});
    expect(withoutToken.status).toBe(403);
    const out = await agent.post('/console/sign-out').type('form').send({ _csrf: sessionCsrf });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/console/sign-in?signed-out=1');
    expect(sessionCookieOf(out.headers['set-cookie'])).toMatch(/^postbud_session=; Max-Age=0;/);
    expect((await agent.get(out.headers.location!)).text).toContain('Du er logget ud.');

    // The same token replayed by someone who kept it is no session.
    const replay = request.agent(stack.url);
    const replayed = await replay.get('/console').set('Cookie', `postbud_session=${token}`);
    expect(replayed.headers.location).toBe('/console/sign-in');
    const again = await replay
      .post('/console/sign-out')
      .set('Cookie', `postbud_session=${token}`)
      .type('form')
      .send({ _csrf: sessionCsrf });
    expect(again.status).toBe(401);
    expect(again.text).toContain('Din session er udløbet');
    const ended = await stack.database.db.query(
      'SELECT ended_at IS NOT NULL AS ended FROM console_sessions WHERE token_hash = $1',
      [createHash('sha256').update(token).digest('hex')],
    );
    expect(ended.rows[0].ended).toBe(true);
  });

  it('a session unused past the idle limit, or past its lifetime, has expired', async () => {
    const idle = await signedIn(stack.adminKey);
    const old = await signedIn(stack.adminKey);
    const hashOf = (res: request.Response) =>
      createHash('sha256')
        .update(/^postbud_session=([\w-]+)/.exec(sessionCookieOf(res.headers['set-cookie'])!)![1]!)
        .digest('hex');
    await stack.database.db.query(
      `UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1`,
      [hashOf(idle.res)],
    );
    await stack.database.db.query(
      `UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [hashOf(old.res)],
    );
    expect(await landing(idle.agent)).toBe('/console/sign-in');
    expect(await landing(old.agent)).toBe('/console/sign-in');
  });

  it('revoking or rotating the key ends the sessions opened with it', async () => {
    const revoked = await newClient(['auditor']);
    const rotated = await newClient(['admin']);
    const a = await signedIn(revoked.key);
    const b = await signedIn(rotated.key);
    expect(await landing(a.agent)).toBe('/console/directory');
    expect(await landing(b.agent)).toBe('/console/directory');
    const admin = { type: 'bearer' } as const;
    expect((await stack.api().post(`/v1/admin/clients/${revoked.id}/revoke`).auth(stack.adminKey, admin)).status).toBe(
      200,
    );
    const rotation = await stack.api().post(`/v1/admin/clients/${rotated.id}/rotate`).auth(stack.adminKey, admin);
    expect(rotation.status).toBe(200);
    expect(await landing(a.agent)).toBe('/console/sign-in');
    expect(await landing(b.agent)).toBe('/console/sign-in');
    // The new key signs in as usual.
    expect((await signedIn(rotation.body.key)).res.status).toBe(303);
  });

  it('after sign-in only a console path is followed, never another site', async () => {
    const agent = request.agent(stack.url);
    const form = await agent.get('/console/sign-in');
    const res = await agent
      .post('/console/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(form.text), apiKey: stack.adminKey, next: 'https://evil.example/' });
    expect(res.headers.location).toBe('/console/directory');
  });
});
