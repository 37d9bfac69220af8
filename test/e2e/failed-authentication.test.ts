import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false, env: { POSTBUD_FAILED_AUTH_PER_MINUTE: '5' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('guessing API keys', () => {
  it('after 5 failed keys in a minute an unknown key gets 429 with Retry-After; a valid key still passes', async () => {
    const guess = () =>
      stack
        .api()
        .get('/v1/directory/mailboxes')
        .auth(`pb_guess${'x'.repeat(30)}`, { type: 'bearer' });
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(401);
    const blocked = await guess();
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too-many-failed-authentications');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const good = await stack.api().get('/v1/directory/mailboxes').auth(stack.adminKey, { type: 'bearer' });
    expect(good.status).toBe(200);
  });
});
