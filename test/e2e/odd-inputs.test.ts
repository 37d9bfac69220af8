import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { sorIds, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Inputs that used to end as a 500: timestamps Date or PostgreSQL cannot hold, NUL characters,
 * and the same Idempotency-Key sent twice at once. Each answers 4xx problem+json (or, for the
 * race, one letter and two identical answers), and a refusal stores nothing.
 */

let stack: TestStack;
let auditorKey: string;
const asAuditor = (path: string) => stack.api().get(path).auth(auditorKey, { type: 'bearer' });
const submit = (body: object, key?: string) => {
  const call = stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' });
  return (key ? call.set('Idempotency-Key', key) : call).send(body);
};

function expectProblem(res: { status: number; headers: Record<string, string> }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

const oddInstants = [
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2016-12-31T23:59:60Z',
  '2024-01-01T00:00:00+25:00',
  '2023-02-29T12:00:00Z',
];

beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  const auditor = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = auditor.body.key as string;
});
afterAll(async () => {
  await stack?.stop();
});

describe('odd timestamps', () => {
  it.each(oddInstants)('%s answers 422 in audit searches and the access log search', async (instant) => {
    expectProblem(await asAuditor(`/v1/audit/events?from=${encodeURIComponent(instant)}`), 422);
    expectProblem(await asAuditor(`/v1/audit/misroutes?to=${encodeURIComponent(instant)}`), 422);
    expectProblem(await asAuditor(`/v1/audit/verify?to=${encodeURIComponent(instant)}`), 422);
    const search = await stack
      .api()
      .post('/v1/audit/access-events/search')
      .auth(auditorKey, { type: 'bearer' })
      .send({ from: instant });
    expectProblem(search, 422);
  });

  it.each(oddInstants)("%s as an attachment's creation time answers 422 and stores nothing", async (instant) => {
    const counts = await letterTableCounts(stack.database.db);
    const [file] = withBase64(testFiles(1, 500));
    const res = await submit(testLetter({ attachments: [{ ...file, creation: instant }] }));
    expectProblem(res, 422);
    expect(await letterTableCounts(stack.database.db)).toEqual(counts);
  });

  it('a year-0 or impossible day closing a mailbox answers 422', async () => {
    for (const validTo of ['0000-01-01', '2023-02-29']) {
      const res = await stack
        .api()
        .post(`/v1/directory/mailboxes/${sorIds.gpClinic}/deactivate`)
        .auth(stack.adminKey, { type: 'bearer' })
        .send({ validTo });
      expectProblem(res, 422);
    }
    const mailbox = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.gpClinic}`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(mailbox.body.active).toBe(true);
  });
});

describe('NUL characters', () => {
  it('in a letter field answers 400 nul-character and stores nothing', async () => {
    const counts = await letterTableCounts(stack.database.db);
    for (const letter of [
      testLetter({ text: 'Patienten\u0000 udskrives' }),
      testLetter({ author: { name: 'Else\u0000', role: 'sygeplejerske', phone: '+45 12345678' } }),
    ]) {
      const res = await submit(letter);
      expectProblem(res, 400);
      expect(res.body.code).toBe('nul-character');
    }
    expect(await letterTableCounts(stack.database.db)).toEqual(counts);
  });

  it('in other bodies, paths and query strings answers 400', async () => {
    const client = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'EPJ\u0000', roles: ['sender'], senders: [sorIds.psychiatryUnit] });
    expectProblem(client, 400);
    for (const path of ['/v1/directory/mailboxes?q=Testby%00', '/v1/messages/%00', `/v1/audit/events?action=x%00`]) {
      const res = await stack.api().get(path).auth(auditorKey, { type: 'bearer' });
      expectProblem(res, 400);
      expect(res.body.code, path).toBe('nul-character');
    }
  });
});

describe('the same Idempotency-Key twice at once', () => {
  it('stores one letter and answers both requests alike, never 500', async () => {
    for (let round = 0; round < 5; round += 1) {
      const letter = testLetter({ attachments: withBase64(testFiles(2, 20_000)) });
      const key = `race-${round}-${Date.now()}`;
      const answers = await Promise.all([submit(letter, key), submit(letter, key)]);
      expect(answers.map((res) => res.status)).toEqual([202, 202]);
      expect(answers[1]!.body).toEqual(answers[0]!.body);
      const stored = await stack.database.db.query(
        'SELECT count(*)::int AS n FROM letters WHERE idempotency_key = $1',
        [key],
      );
      expect(stored.rows[0].n).toBe(1);
    }
  });
});
