import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    adapters: false,
    env: { POSTBUD_RATE_LIMIT_PER_MINUTE: '60', POSTBUD_RATE_LIMIT_BURST: '20' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const lookUp = (key: string) =>
  stack.api().get(`/v1/directory/mailboxes/${sorIds.gpClinic}`).auth(key, { type: 'bearer' });

describe('rate limits per API client', () => {
  it('a client that spends its burst gets 429 rate-limited with Retry-After; other clients go on', async () => {
    let allowed = 0;
    let refused;
    for (let i = 0; i < 40 && !refused; i += 1) {
      const res = await lookUp(stack.senderKey);
      if (res.status === 429) refused = res;
      else allowed += 1;
    }
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeLessThanOrEqual(23);
    expect(refused?.headers['content-type']).toMatch(/problem\+json/);
    expect(refused?.body.code).toBe('rate-limited');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    expect((await lookUp(stack.adminKey)).status).toBe(200);
    // Adapters have their own, higher budget: their pace is set by the queue.
    for (let i = 0; i < 25; i += 1) expect((await lookUp(stack.adapterKey)).status).toBe(200);
  });

  it('the budget refills with time', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await lookUp(stack.senderKey)).status).toBe(200);
  });

  it('requests without a valid key are refused 401 before any budget is spent, and health is never limited', async () => {
    expect((await stack.api().get('/v1/directory/mailboxes/123456')).status).toBe(401);
    for (let i = 0; i < 30; i += 1) expect((await stack.api().get('/health/live')).status).toBe(200);
  });
});
