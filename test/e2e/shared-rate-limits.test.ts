import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

// Two gateway instances on one database, as behind a load balancer: a client's budget is one.
let stack: TestStack;
let second: RunningGateway;
let otherKey: string;
beforeAll(async () => {
  stack = await startTestStack({
    adapters: false,
    env: {
      POSTBUD_RATE_LIMIT_PER_MINUTE: '60',
      POSTBUD_RATE_LIMIT_BURST: '20',
      POSTBUD_FAILED_AUTH_PER_MINUTE: '6',
    },
  });
  second = await startGateway(stack.config, pino({ level: 'silent' }));
  const other = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Second EPJ', roles: ['sender'] });
  otherKey = other.body.key as string;
});
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

const gateways = () => [stack.url, `http://127.0.0.1:${second.port}`];
const lookUp = (url: string, key: string) =>
  request(url).get(`/v1/directory/mailboxes/${sorIds.gpClinic}`).auth(key, { type: 'bearer' });

describe('rate limits shared by two gateway instances', () => {
  it('a client alternating between both gateways gets one burst in all, not one each', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) statuses.push((await lookUp(gateways()[i % 2]!, stack.senderKey)).status);
    const allowed = statuses.filter((status) => status === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeLessThanOrEqual(23);
    expect(statuses.filter((status) => status === 429).length).toBe(40 - allowed);
    const refused = await lookUp(gateways()[1]!, stack.senderKey);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other clients have their own bucket on both instances.
    for (const url of gateways()) expect((await lookUp(url, otherKey)).status).toBe(200);
  });

  it('concurrent requests on both gateways spend each token once', async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => lookUp(gateways()[i % 2]!, otherKey)));
    const allowed = responses.filter((res) => res.status === 200).length;
    expect(responses.filter((res) => res.status === 429).length).toBe(60 - allowed);
    // Its burst of 20 less the two above, plus at most a few tokens refilled while these run.
    expect(allowed).toBeGreaterThanOrEqual(18);
    expect(allowed).toBeLessThanOrEqual(21);
  });

  it('failed authentications count across both gateways', async () => {
    const guess = (url: string) =>
      request(url)
        .get('/v1/directory/mailboxes')
        .auth(`pb_guess${'x'.repeat(30)}`, { type: 'bearer' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await guess(gateways()[i % 2]!)).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const blocked = await guess(gateways()[0]!);
    expect(blocked.body.code).toBe('too-many-failed-authentications');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
