import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import { sorIds, testLetter } from '../support/fixtures.ts';
import { sendingOf } from '../support/letter-xml.ts';
import { amqpUrl, startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ retryDelaysMs: [50, 100, 200] });
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ type: 'bearer' as const, key: stack.adminKey });
const everyAttemptFails = [503, 503, 503, 503];

async function submit(): Promise<string> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function actions(letterId: string): Promise<string[]> {
  const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.adminKey, { type: 'bearer' });
  return res.body.events.map((event: { action: string }) => event.action);
}

async function deadLetterQueueIds(): Promise<string[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const queue = topologyNames(stack.prefix).deadLetterQueue('municipality');
    const ids: string[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue))
      ids.push(message.properties.messageId as string);
    // Closing without acks hands every message back to the queue untouched.
    await channel.close();
    return ids;
  } finally {
    await connection.close();
  }
}

async function listDeadLetters(query = '') {
  const res = await stack.api().get(`/v1/admin/dead-letters${query}`).auth(admin().key, { type: 'bearer' });
  expect(res.status).toBe(200);
  return res.body as { items: Array<Record<string, unknown> & { letterId: string }>; next?: string };
}

const replay = (letterId: string) =>
  stack.api().post(`/v1/admin/dead-letters/${letterId}/replay`).auth(admin().key, { type: 'bearer' });

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 500));
}

describe('a letter whose receiving system is down', () => {
  let letterId: string;

  it('fails after its retries and is listed with sector, recipient, attempts and the last error', async () => {
    stack.receiver.script(everyAttemptFails);
    letterId = await submit();
    await waitForStatus(stack, letterId, 'failed');
    expect(await deadLetterQueueIds()).toEqual([letterId]);

    const page = await listDeadLetters();
    const listed = page.items.find((item) => item.letterId === letterId);
    expect(listed).toMatchObject({
      sector: 'municipality',
      recipient: { sorId: sorIds.socialPsychiatry, name: 'Testby Kommune, Socialpsykiatri' },
      sender: { sorId: sorIds.psychiatryUnit },
      attempts: 4,
      deliveryRound: 0,
      lastError: { attempt: 4, httpStatus: 503, error: expect.any(String) },
    });
    expect(JSON.stringify(page)).not.toMatch(/Nancy|Berggren|udskrives/);
  });

  it('once the receiver is fixed, a replay delivers it exactly once and empties the dead-letter queue', async () => {
    stack.receiver.script([]);
    const res = await replay(letterId);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      letterId,
      sector: 'municipality',
      deliveryRound: 1,
      deadLetterQueue: { removed: 1 },
    });
    await waitForStatus(stack, letterId, 'delivered');
    await settle();
    expect(stack.receiver.deliveriesOf(letterId)).toHaveLength(1);
    // The replay is a sending of its own: a Bundle.id none of the failed attempts carried, the same MessageHeader.id.
    const sendings = stack.receiver.attempts
      .filter((attempt) => attempt.letterId === letterId)
      .map((attempt) => sendingOf(attempt.body.toString('utf8')));
    expect(sendings.length).toBeGreaterThan(1);
    expect(new Set(sendings.map((sending) => sending.bundleId)).size).toBe(sendings.length);
    expect(new Set(sendings.map((sending) => sending.messageHeaderId))).toEqual(new Set([letterId]));
    expect(await deadLetterQueueIds()).toEqual([]);
    expect((await actions(letterId)).slice(-4)).toEqual(['failed', 'replayed', 'queued', 'delivered']);
    expect((await listDeadLetters()).items.map((item) => item.letterId)).not.toContain(letterId);
  });

  it('a letter that is not failed cannot be replayed: 409; an unknown one: 404', async () => {
    const res = await replay(letterId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('letter-not-failed');
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((await replay('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('list and replay are admin-only and audited', async () => {
    expect((await stack.api().get('/v1/admin/dead-letters').auth(stack.senderKey, { type: 'bearer' })).status).toBe(
      403,
    );
    expect(
      (await stack.api().post(`/v1/admin/dead-letters/${letterId}/replay`).auth(stack.senderKey, { type: 'bearer' }))
        .status,
    ).toBe(403);
    const audited = await stack.database.db.query<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_events WHERE action IN ('dead-letters-listed', 'replayed') ORDER BY seq",
    );
    expect(audited.rows.map((row) => row.action)).toContain('dead-letters-listed');
    expect(audited.rows.filter((row) => row.action === 'replayed')).toEqual([
      { action: 'replayed', actor_name: 'bootstrap-admin' },
    ]);
  });
});

describe('a letter that fails again after its replay', () => {
  it('is failed and listed again in its new delivery round, and a second replay delivers it once', async () => {
    stack.receiver.script(everyAttemptFails);
    const letterId = await submit();
    await waitForStatus(stack, letterId, 'failed');

    stack.receiver.script(everyAttemptFails);
    expect((await replay(letterId)).status).toBe(202);
    await waitForStatus(stack, letterId, 'failed');
    const listed = (await listDeadLetters()).items.find((item) => item.letterId === letterId);
    expect(listed).toMatchObject({ deliveryRound: 1, attempts: 4, lastError: { attempt: 4, httpStatus: 503 } });

    stack.receiver.script([]);
    const twice = await Promise.all([replay(letterId), replay(letterId)]);
    expect(twice.map((res) => res.status).sort()).toEqual([202, 409]);
    await waitForStatus(stack, letterId, 'delivered');
    await settle();
    expect(stack.receiver.deliveriesOf(letterId)).toHaveLength(1);
    expect(await deadLetterQueueIds()).toEqual([]);
  });
});

describe('paging', () => {
  it('pages through failed letters, newest first, with an opaque cursor', async () => {
    stack.receiver.script([400, 400, 400]);
    const ids = [await submit(), await submit(), await submit()];
    for (const id of ids) await waitForStatus(stack, id, 'failed');
    const first = await listDeadLetters('?limit=2&sector=municipality');
    expect(first.items).toHaveLength(2);
    expect(first.next).toEqual(expect.any(String));
    const second = await listDeadLetters(`?limit=2&sector=municipality&cursor=${first.next}`);
    const seen = [...first.items, ...second.items].map((item) => item.letterId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect((await listDeadLetters('?sector=gp')).items).toEqual([]);
    const bad = await stack.api().get('/v1/admin/dead-letters?cursor=nonsense').auth(admin().key, { type: 'bearer' });
    expect(bad.status).toBe(400);
  });
});
