import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import { createApp } from '../../gateway/app.ts';
import type { Broker } from '../../gateway/platform/broker.ts';
import { loadConfig } from '../../gateway/platform/config.ts';
import { createVault } from '../../gateway/platform/crypto.ts';
import { createPool } from '../../gateway/platform/db.ts';
import { createMetrics } from '../../gateway/platform/metrics.ts';
import { spoolMemoryOf } from '../../gateway/letters/spool-memory.ts';
import { sorIds, testLetter } from '../support/fixtures.ts';
import { amqpUrl, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  // No adapters: letters stay in their sector queues, as when a sector's systems fall behind.
  stack = await startTestStack({
    adapters: false,
    env: { POSTBUD_MAX_QUEUE_DEPTH: '3', POSTBUD_MAX_OUTBOX_BACKLOG: '2' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const toMunicipality = () => testLetter();
const toGp = () => testLetter({ recipient: { sorId: sorIds.gpClinic } });

const submit = (letter: object, idempotencyKey?: string) => {
  const call = stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' });
  return (idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call).send(letter);
};

async function queueDepth(sector: Sector): Promise<number> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(topologyNames(stack.prefix).letterQueue(sector))).messageCount;
  } finally {
    await connection.close();
  }
}

async function waitForQueueDepth(sector: Sector, depth: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await queueDepth(sector)) < depth) {
    if (Date.now() > deadline) throw new Error(`the ${sector} queue did not reach ${depth}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The gateway measures a sector's load at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}

async function letterCount(): Promise<number> {
  return (await stack.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letters')).rows[0]!.n;
}

describe('a sector whose queue is full', () => {
  it('refuses the fourth letter with 503 and Retry-After, stores nothing, and other sectors go on', async () => {
    const first = await submit(toMunicipality(), 'first-letter');
    expect(first.status).toBe(202);
    for (let i = 0; i < 2; i += 1) expect((await submit(toMunicipality())).status).toBe(202);
    await waitForQueueDepth('municipality', 3);

    const before = await letterCount();
    const refused = await submit(toMunicipality());
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body).toMatchObject({ code: 'sector-backlogged', sector: 'municipality' });
    expect(await letterCount()).toBe(before);

    expect((await submit(toGp())).status).toBe(202);
    // A retried submission of a letter already accepted still gets its first answer.
    const again = await submit(toMunicipality(), 'first-letter');
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('a sector whose outbox is not being published', () => {
  it('refuses letters once its unpublished backlog reaches the limit', async () => {
    await stack.gateway.relay.stop();
    for (let i = 0; i < 2; i += 1) {
      expect((await submit(toGp())).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    const refused = await submit(toGp());
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('sector-backlogged');
  });
});

describe('a database that cannot be reached', () => {
  it('is answered 503 dependency-unavailable with Retry-After, quickly, not 500 or a hang', async () => {
    const config = loadConfig({
      POSTBUD_DATA_KEY: `k1:${randomBytes(32).toString('base64')}`,
      POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}`,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postbud',
    });
    const db = createPool(config.databaseUrl, 2);
    const brokerDown: Broker = {
      channel: () => undefined,
      isConnected: () => false,
      onConnected: () => undefined,
      close: async () => undefined,
    };
    const app = createApp({
      db,
      broker: brokerDown,
      config,
      log: pino({ level: 'silent' }),
      vault: createVault(config),
      metrics: createMetrics(),
      spoolMemory: spoolMemoryOf(config.limits),
    });
    try {
      const started = Date.now();
      const res = await request(app)
        .post('/v1/messages')
        .auth('pb_some-key-of-a-client-000000', { type: 'bearer' })
        .send(testLetter());
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.code).toBe('dependency-unavailable');
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|SELECT/);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await request(app).get('/health/ready')).status).toBe(503);
    } finally {
      await db.end();
    }
  });
});
