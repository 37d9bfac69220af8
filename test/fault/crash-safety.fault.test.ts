import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames, topologyQueues } from '../../schemas/amqp-topology.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testMailboxes } from '../support/fixtures.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { amqpUrl } from '../support/stack.ts';
import { LetterStream, waitForDelivered } from './load.ts';
import { adapterEnv, freePort, gatewayEnv, newSecrets, ServiceProcess, waitUntil } from '../support/processes.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';

/**
 * Crash safety, proven on the real services: a steady stream of letters while the gateway is
 * SIGKILLed, an adapter dies mid-delivery, RabbitMQ and PostgreSQL restart. After each, every
 * letter that got a 202 is delivered exactly once, and no other letter exists.
 */
const retryDelaysMs = [200, 500, 1000, 2000, 4000, 8000];
let database: TestDatabase;
let receiver: TestReceiver;
let gateway: ServiceProcess;
let adapters: ServiceProcess;
let url: string;
let senderKey: string;
const prefix = testQueuePrefix('fault');
const secrets = newSecrets();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(): Promise<{ status: number; body: { checks?: Record<string, boolean> } }> {
  const probe = () => fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
  // A pooled keep-alive socket the gateway closed just as it was reused fails at once; a probe,
  // like a load balancer's, asks again on a fresh connection.
  const res = await probe().catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') return probe();
    throw error;
  });
  return { status: res.status, body: (await res.json()) as { checks?: Record<string, boolean> } };
}

async function api(path: string, body: object, key = secrets.adminKey) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startTestReceiver();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const common = {
    AMQP_URL: amqpUrl,
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_RETRY_DELAYS_MS: retryDelaysMs.join(','),
    POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
    LOG_LEVEL: 'warn',
  };
  gateway = new ServiceProcess('gateway/main.ts', {
    ...common,
    ...gatewayEnv(secrets, database.url, port),
    POSTBUD_OUTBOX_POLL_MS: '100',
  });
  adapters = new ServiceProcess('adapters/main.ts', { ...common, ...adapterEnv(secrets, url, receiver.url) });
  gateway.start();
  await waitUntil('the gateway', async () => (await ready()).status === 200);
  for (const mailbox of testMailboxes()) expect((await api('/v1/directory/mailboxes', mailbox)).status).toBe(201);
  const sender = await api('/v1/admin/clients', {
    name: 'EPJ',
    roles: ['sender'],
    senders: [testMailboxes()[1]!.sorId],
  });
  senderKey = sender.body.key as string;
  adapters.start();
}, 120_000);

afterAll(async () => {
  await adapters?.kill();
  await gateway?.kill();
  await receiver?.close();
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  for (const queue of topologyQueues({ prefix, retryDelaysMs })) await channel.deleteQueue(queue);
  await channel.deleteExchange(topologyNames(prefix).lettersExchange);
  await connection.close();
  await database?.drop();
}, 60_000);

/** Streams letters for `beforeMs`, injects the fault, streams on, then checks the invariants. */
async function underFault(
  name: string,
  fault: () => Promise<void>,
  beforeMs = 1500,
  afterMs = 2500,
): Promise<LetterStream> {
  const stream = new LetterStream(() => url, senderKey);
  stream.start();
  await sleep(beforeMs);
  await fault();
  await sleep(afterMs);
  await stream.stop();
  await stream.settled();
  await expectExactlyOnce(stream);
  const answers = [...stream.answers].map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`).join(', ');
  console.log(
    `fault "${name}": ${stream.accepted.size} letters accepted and each delivered once; answers seen: ${answers}`,
  );
  return stream;
}

async function expectExactlyOnce(stream: LetterStream): Promise<void> {
  const accepted = new Set(stream.accepted.values());
  expect(accepted.size).toBeGreaterThan(5);
  await waitForDelivered(database.db, accepted);
  await sleep(1000);
  for (const id of accepted) expect(receiver.deliveriesOf(id), `deliveries of ${id}`).toHaveLength(1);
  // No letter exists that its client was not told about, and every letter was told once.
  const stored = await database.db.query<{ id: string }>('SELECT id FROM letters');
  const everAccepted = new Set(receiver.received.map((letter) => letter.letterId));
  for (const row of stored.rows) expect(everAccepted.has(row.id) || accepted.has(row.id)).toBe(true);
  const events = await database.db.query<{ action: string; n: number }>(
    `SELECT action, count(*)::int AS n FROM audit_events WHERE letter_id = ANY($1::uuid[]) AND action IN ('accepted','queued','delivered') GROUP BY action`,
    [[...accepted]],
  );
  for (const row of events.rows) expect(row.n, row.action).toBe(accepted.size);
}

describe('crash safety under a steady stream of letters', () => {
  it('the gateway is SIGKILLed mid-stream and restarted', async () => {
    await underFault('gateway SIGKILL', async () => {
      await gateway.kill('SIGKILL');
      await sleep(500);
      gateway.start();
      await waitUntil('the gateway to restart', async () => (await ready()).status === 200);
    });
  });

  it('the adapters are SIGKILLed mid-delivery and restarted', async () => {
    receiver.script(Array(30).fill(200));
    await underFault('adapters SIGKILL', async () => {
      const hold = receiver.holdNext();
      await hold.arrived;
      await adapters.kill('SIGKILL');
      hold.release(200);
      await sleep(500);
      adapters.start();
    });
  });

  it('RabbitMQ stops and starts; readiness reports it meanwhile', async () => {
    let sawUnready = false;
    await underFault('RabbitMQ restart', async () => {
      execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
      await waitUntil(
        'readiness to report RabbitMQ down',
        async () => {
          const state = await ready();
          sawUnready = state.status === 503 && state.body.checks?.rabbitmq === false;
          return sawUnready;
        },
        20_000,
      );
      await sleep(1500);
      execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
      await waitUntil('readiness after RabbitMQ is back', async () => (await ready()).status === 200, 60_000);
    });
    expect(sawUnready).toBe(true);
  });

  it('PostgreSQL restarts; the gateway answers 503 problem+json meanwhile instead of hanging', async () => {
    const version = readdirSync('/etc/postgresql')[0]!;
    let sawUnready = false;
    await underFault('PostgreSQL restart', async () => {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'stop', '-m', 'fast'], {
        stdio: 'ignore',
      });
      try {
        const started = Date.now();
        const state = await ready();
        sawUnready = state.status === 503 && state.body.checks?.postgres === false;
        expect(Date.now() - started).toBeLessThan(8_000);
        const submit = await fetch(`${url}/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${senderKey}`, 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(10_000),
        });
        expect(submit.status).toBe(503);
        expect(submit.headers.get('content-type')).toMatch(/problem\+json/);
        await sleep(1000);
      } finally {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore' });
      }
      await waitUntil('readiness after PostgreSQL is back', async () => (await ready()).status === 200, 60_000);
    });
    expect(sawUnready).toBe(true);
  });
});
