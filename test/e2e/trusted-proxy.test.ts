import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Behind a load balancer named in POSTBUD_TRUST_PROXY the client's address is the one the
 * balancer forwards; from anyone else X-Forwarded-For is ignored, so a client cannot pick the
 * address the access log records or the failed-authentication limit counts.
 */
let behindProxy: TestStack;
let direct: TestStack;
beforeAll(async () => {
  const env = { POSTBUD_FAILED_AUTH_PER_MINUTE: '3' };
  behindProxy = await startTestStack({ adapters: false, env: { ...env, POSTBUD_TRUST_PROXY: 'loopback' } });
  direct = await startTestStack({ adapters: false, env });
});
afterAll(async () => {
  await behindProxy?.stop();
  await direct?.stop();
});

async function statusReadFrom(stack: TestStack, forwardedFor: string): Promise<string> {
  const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(sent.status).toBe(202);
  const read = await stack
    .api()
    .get(`/v1/messages/${sent.body.id}`)
    .auth(stack.senderKey, { type: 'bearer' })
    .set('X-Forwarded-For', forwardedFor);
  expect(read.status).toBe(200);
  const recorded = await stack.database.db.query<{ remote_address: string }>(
    `SELECT remote_address FROM access_events WHERE letter_id = $1 AND action = 'letter.status'`,
    [sent.body.id],
  );
  return recorded.rows[0]!.remote_address;
}

const wrongKey = (stack: TestStack, forwardedFor: string) =>
  stack
    .api()
    .get('/v1/directory/mailboxes')
    .auth('pb_not-a-key-of-anyone-at-all-000000', { type: 'bearer' })
    .set('X-Forwarded-For', forwardedFor);

describe('a gateway behind a trusted load balancer', () => {
  it("records the forwarded client's address when a patient's letter is read", async () => {
    expect(await statusReadFrom(behindProxy, '203.0.113.9')).toBe('203.0.113.9');
  });

  it('limits failed authentications per forwarded client, not for everyone behind the balancer', async () => {
    const guesser = [];
    for (let i = 0; i < 4; i += 1) guesser.push((await wrongKey(behindProxy, '198.51.100.7')).status);
    expect(guesser).toEqual([401, 401, 401, 429]);
    expect((await wrongKey(behindProxy, '198.51.100.8')).status).toBe(401);
  });
});

describe('a gateway reached directly', () => {
  it('ignores X-Forwarded-For: the address is the peer', async () => {
    expect(await statusReadFrom(direct, '203.0.113.9')).toMatch(/127\.0\.0\.1|::1/);
  });

  it('counts a guesser changing X-Forwarded-For as one address', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await wrongKey(direct, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
