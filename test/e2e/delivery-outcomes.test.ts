import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * A delivery that fails shows senders and auditors a coarse outcome only: never the receiver's
 * address, port or the adapter's network error. Admins, who run the network, see the details.
 */

let stack: TestStack;
let auditorKey: string;
let letterId: string;
// Nothing listens on the discard port: the adapter's connection is refused.
const unreachable = 'http://127.0.0.1:9/medcom';
// Port 9 as in a URL (`127.0.0.1:9`), not a JSON value such as `"durationMs":9`.
const networkMap = /127\.0\.0\.1|(?<!"):9\b|ECONNREFUSED|unreachable \(/;

beforeAll(async () => {
  stack = await startTestStack();
  const auditor = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = auditor.body.key as string;
  const mailboxUrl = `/v1/directory/mailboxes/${sorIds.socialPsychiatry}`;
  const current = await stack.api().get(mailboxUrl).auth(stack.adminKey, { type: 'bearer' });
  const patched = await stack
    .api()
    .patch(mailboxUrl)
    .auth(stack.adminKey, { type: 'bearer' })
    .set('If-Match', current.headers.etag as string)
    .send({ endpoint: unreachable });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const letter = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(letter.status).toBe(202);
  letterId = letter.body.id as string;
  await waitForStatus(stack, letterId, 'failed');
});
afterAll(async () => {
  await stack?.stop();
});

type Event = { action: string; details: Record<string, unknown> };
const failures = (events: Event[]) =>
  events.filter((event) => event.action === 'delivery-attempt-failed' || event.action === 'failed');

describe('a delivery that could not reach the receiver', () => {
  it("shows the sender 'receiver-unreachable' for every attempt, and nothing of the network", async () => {
    const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
    expect(res.status).toBe(200);
    const failed = failures(res.body.events as Event[]);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const event of failed) {
      expect(event.details.failure).toBe('receiver-unreachable');
      expect(event.details).not.toHaveProperty('error');
      expect(event.details).not.toHaveProperty('endpoint');
    }
    expect(JSON.stringify(res.body)).not.toMatch(networkMap);
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    expect(JSON.stringify(status.body)).not.toMatch(networkMap);
  });

  it('shows auditors the same in the trace, the event search and the CSV', async () => {
    const trace = await stack.api().get(`/v1/audit/letters/${letterId}/trace`).auth(auditorKey, { type: 'bearer' });
    expect(trace.status).toBe(200);
    expect(trace.body.deliveryAttempts.length).toBeGreaterThanOrEqual(2);
    for (const attempt of trace.body.deliveryAttempts)
      expect(attempt).toMatchObject({ outcome: expect.stringMatching(/failed/), failure: 'receiver-unreachable' });
    expect(JSON.stringify(trace.body)).not.toMatch(networkMap);

    const search = await stack.api().get(`/v1/audit/events?letterId=${letterId}`).auth(auditorKey, { type: 'bearer' });
    const failed = failures(search.body.events as Event[]);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const event of failed)
      expect(event).toMatchObject({ details: { failure: 'receiver-unreachable' }, detailsMasked: true });
    expect(JSON.stringify(search.body)).not.toMatch(networkMap);

    const csv = await stack.api().get(`/v1/audit/events.csv?letterId=${letterId}`).auth(auditorKey, { type: 'bearer' });
    expect(csv.text).toContain('receiver-unreachable');
    expect(csv.text).not.toMatch(networkMap);
  });

  it("shows admins the adapter's reasons", async () => {
    const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.adminKey, { type: 'bearer' });
    const failed = failures(res.body.events as Event[]);
    expect(failed.some((event) => /unreachable/.test(String(event.details.error)))).toBe(true);
  });
});
