import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCpr, testLetter } from '../support/fixtures.ts';
import { consoleAgent, csrfOf } from '../support/console-session.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** The console's audit pages are reads of patient data like the API's: each one is in the access log. */

let stack: TestStack;
let auditorKey: string;
let letterId: string;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  const created = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = created.body.key;
  const letter = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  letterId = letter.body.id;
});
afterAll(async () => {
  await stack?.stop();
});

async function signedIn(key: string) {
  const agent = await consoleAgent(stack.url, key);
  return { agent, csrf: csrfOf((await agent.get('/console/directory')).text) };
}

async function consoleViews(since: Date) {
  const result = await stack.database.db.query<{ letter_id: string | null; cpr_hmac: string | null }>(
    `SELECT letter_id, cpr_hmac FROM access_events WHERE action = 'console.view' AND at >= $1 ORDER BY at`,
    [since],
  );
  return result.rows;
}

describe('the console audit page’s CSV download', () => {
  it('is recorded as a console view, by CPR hash or by letter, like the page', async () => {
    const { agent, csrf } = await signedIn(auditorKey);
    const since = new Date(Date.now() - 1000);
    const byCpr = await agent.post('/console/audit/events.csv').type('form').send({ _csrf: csrf, cpr: testCpr });
    expect(byCpr.status).toBe(200);
    expect(byCpr.headers['content-type']).toMatch(/^text\/csv/);
    const byLetter = await agent.post('/console/audit/events.csv').type('form').send({ _csrf: csrf, letterId });
    expect(byLetter.status).toBe(200);
    expect(byLetter.text).toContain(letterId);
    const views = await consoleViews(since);
    expect(views).toEqual([
      { letter_id: null, cpr_hmac: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { letter_id: letterId, cpr_hmac: null },
    ]);
    // The same CPR hash as the page's own search records.
    await agent.post('/console/audit').type('form').send({ _csrf: csrf, cpr: testCpr }).expect(200);
    const after = await consoleViews(since);
    expect(after[2]!.cpr_hmac).toBe(views[0]!.cpr_hmac);
  });
});

describe('who looked at a patient is for auditors only', () => {
  it('a sender or an administrator gets 403 at /console/access, and nothing is recorded', async () => {
    for (const key of [stack.senderKey, stack.adminKey]) {
      const { agent, csrf } = await signedIn(key);
      const before = (await consoleViews(new Date(0))).length;
      const page = await agent.get('/console/access');
      expect(page.status).toBe(403);
      expect(page.text).toContain('Din nøgle har ikke adgang til dette.');
      const searched = await agent.post('/console/access').type('form').send({ _csrf: csrf, cpr: testCpr });
      expect(searched.status).toBe(403);
      expect(searched.text).not.toContain(testCpr);
      const csv = await agent.post('/console/audit/events.csv').type('form').send({ _csrf: csrf, cpr: testCpr });
      expect(csv.status).toBe(403);
      expect((await consoleViews(new Date(0))).length).toBe(before);
    }
  });
});
