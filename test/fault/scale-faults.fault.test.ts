import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames, topologyQueues } from '../../schemas/amqp-topology.ts';
import { sectors } from '../../schemas/categories.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testMailboxes } from '../support/fixtures.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { adapterEnv, freePort, gatewayEnv, newSecrets, ServiceProcess, waitUntil } from '../support/processes.ts';
import { startRabbitCluster, type RabbitCluster } from '../support/rabbit-cluster.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { LetterStream, waitForDelivered } from './load.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';

/**
 * Faults at scale, on a three-node RabbitMQ cluster with AMQP_URL listing all three nodes: two
 * gateways and two adapter processes share one PostgreSQL, under a steady stream of letters
 * spread over both gateways (a client whose gateway fails asks the other, same Idempotency-Key).
 * A broker node, a gateway and an adapter process are SIGKILLed, PostgreSQL restarts; after
 * each, every letter that got a 202 is delivered exactly once, the audit chain verifies, and
 * nothing else exists. PostgreSQL here is a server of this test's own, so restarting it never
 * disturbs the machine's server that other test runs share.
 */
// Long enough in all (32 s) to outlast a killed gateway's restart on a busy machine: the adapter
// process that reaches the gateway through it retries its letters meanwhile.
const retryDelaysMs = [200, 500, 1000, 2000, 4000, 8000, 16000];
const prefix = testQueuePrefix('scale');
const secrets = newSecrets();
let cluster: RabbitCluster;
let postgres: PrivatePostgres;
let database: TestDatabase;
/** One receiving system per adapter process, so a test knows which process holds a delivery. */
const receivers: TestReceiver[] = [];
const gateways: ServiceProcess[] = [];
const adapters: ServiceProcess[] = [];
const urls: string[] = [];
const everAccepted = new Set<string>();
let senderKey: string;
let auditorKey: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readiness(url: string): Promise<number> {
  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
  await res.body?.cancel();
  return res.status;
}

const allReady = async () => (await Promise.all(urls.map(readiness))).every((status) => status === 200);

async function post(path: string, body: object, key = secrets.adminKey) {
  const res = await fetch(`${urls[0]}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const started = Date.now();
  cluster = await startRabbitCluster();
  console.log(`three-node RabbitMQ cluster up in ${cluster.startupMs} ms`);
  postgres = await startPrivatePostgres();
  database = await createTestDatabase('postbud_scale', postgres.serverUrl);
  const common = {
    AMQP_URL: cluster.amqpUrl,
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_RETRY_DELAYS_MS: retryDelaysMs.join(','),
    POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
    LOG_LEVEL: 'warn',
  };
  for (let index = 0; index < 2; index += 1) {
    const port = await freePort();
    const receiver = await startTestReceiver({ keepBodies: false });
    urls.push(`http://127.0.0.1:${port}`);
    receivers.push(receiver);
    gateways.push(
      new ServiceProcess('gateway/main.ts', {
        ...common,
        ...gatewayEnv(secrets, database.url, port),
        POSTBUD_OUTBOX_POLL_MS: '100',
        POSTBUD_RATE_LIMIT_PER_MINUTE: '600000',
        POSTBUD_RATE_LIMIT_BURST: '10000',
      }),
    );
    adapters.push(
      new ServiceProcess('adapters/main.ts', { ...common, ...adapterEnv(secrets, urls[index]!, receiver.url) }),
    );
  }
  // The first gateway bootstraps the keys and the directory; the second finds them there.
  gateways[0]!.start();
  await waitUntil('the first gateway', async () => (await readiness(urls[0]!)) === 200);
  gateways[1]!.start();
  for (const mailbox of testMailboxes()) expect((await post('/v1/directory/mailboxes', mailbox)).status).toBe(201);
  senderKey = (
    await post('/v1/admin/clients', { name: 'EPJ', roles: ['sender'], senders: [testMailboxes()[1]!.sorId] })
  ).body.key as string;
  auditorKey = (await post('/v1/admin/clients', { name: 'Revision', roles: ['auditor'] })).body.key as string;
  await waitUntil('both gateways', allReady);
  for (const adapter of adapters) adapter.start();
  console.log(`two gateways and two adapter processes on the cluster in ${Date.now() - started} ms`);
}, 180_000);

afterAll(async () => {
  for (const service of [...adapters, ...gateways]) await service.kill();
  for (const receiver of receivers) await receiver.close();
  await database?.db.end().catch(() => undefined);
  await cluster?.stop();
  await postgres?.stop();
}, 120_000);

/** Streams letters over both gateways, injects the fault, streams on, then checks the invariants. */
async function underFault(name: string, fault: () => Promise<void>, beforeMs = 1500, afterMs = 2500) {
  const started = Date.now();
  const stream = new LetterStream((attempt, letter) => urls[(letter + attempt) % urls.length]!, senderKey);
  const answersSeen = () =>
    [...stream.answers].map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`).join(', ');
  stream.start();
  try {
    await sleep(beforeMs);
    await fault();
    await sleep(afterMs);
  } catch (error) {
    console.log(
      `fault "${name}" failed after ${Date.now() - started} ms: ${totalDelivered()} delivered in all; ` +
        `answers seen: ${answersSeen()}`,
    );
    throw error;
  } finally {
    await stream.stop();
    await stream.settled();
    // Counted as told about even when the fault failed: a later test then checks only its own letters.
    for (const id of stream.accepted.values()) everAccepted.add(id);
  }
  const accepted = new Set(stream.accepted.values());
  const duplicates = await expectExactlyOnce(accepted);
  const answers = answersSeen();
  console.log(
    `fault "${name}": ${accepted.size} letters accepted, ${accepted.size} delivered, ${duplicates} duplicates, ` +
      `${Date.now() - started} ms; answers seen: ${answers}`,
  );
}

const totalDelivered = () => receivers.reduce((n, receiver) => n + receiver.received.length, 0);
const deliveriesOf = (id: string) => receivers.reduce((n, receiver) => n + receiver.deliveriesOf(id).length, 0);

async function expectExactlyOnce(accepted: Set<string>): Promise<number> {
  expect(accepted.size).toBeGreaterThan(5);
  await waitForDelivered(database.db, accepted);
  await sleep(1000);
  const duplicates = [...accepted].filter((id) => deliveriesOf(id) > 1).length;
  for (const id of accepted) expect(deliveriesOf(id), `deliveries of ${id}`).toBe(1);
  // No letter exists that a client was not told about, none is stuck, and no queue holds anything.
  const stored = await database.db.query<{ id: string; status: string }>('SELECT id, status FROM letters');
  for (const row of stored.rows) expect(everAccepted.has(row.id), `letter ${row.id} was accepted`).toBe(true);
  expect(stored.rows.filter((row) => row.status !== 'delivered')).toEqual([]);
  const events = await database.db.query<{ action: string; n: number }>(
    `SELECT action, count(*)::int AS n FROM audit_events WHERE letter_id = ANY($1::uuid[]) AND action IN ('accepted','queued','delivered') GROUP BY action ORDER BY action`,
    [[...accepted]],
  );
  expect(events.rows).toEqual(['accepted', 'delivered', 'queued'].map((action) => ({ action, n: accepted.size })));
  const verify = await fetch(`${urls[1]}/v1/audit/verify`, { headers: { authorization: `Bearer ${auditorKey}` } });
  expect(await verify.json()).toMatchObject({ ok: true });
  await expectEmptyQueues();
  return duplicates;
}

async function expectEmptyQueues(): Promise<void> {
  const connection = await amqp.connect(cluster.amqpUrl.split(',')[1]!);
  try {
    const channel = await connection.createChannel();
    const names = topologyNames(prefix);
    for (const queue of sectors.flatMap((sector) => [names.letterQueue(sector), names.deadLetterQueue(sector)])) {
      await waitUntil(`${queue} to be empty`, async () => (await channel.checkQueue(queue)).messageCount === 0, 10_000);
    }
  } finally {
    await connection.close();
  }
}

describe('faults at scale: two gateways, two adapter processes, a three-node RabbitMQ cluster', () => {
  it('declares every queue as a quorum queue with a replica on each of the three nodes', async () => {
    const listed = JSON.parse(
      await cluster.ctl(cluster.nodes[1]!, 'list_queues', 'name', 'type', 'members', '--formatter', 'json'),
    ) as Array<{ name: string; type: string; members: string[] }>;
    const ours = listed.filter((queue) => queue.name.startsWith(`${prefix}.`));
    expect(ours.map((queue) => queue.name).sort()).toEqual(topologyQueues({ prefix, retryDelaysMs }).sort());
    for (const queue of ours) {
      expect(queue.type, queue.name).toBe('quorum');
      expect([...queue.members].sort(), queue.name).toEqual(cluster.nodes.map((node) => node.name).sort());
    }
  });

  it('one RabbitMQ node is SIGKILLed and restarted; gateways and adapters move to another node', async () => {
    // Every process connected to the first node of the list, which also leads every queue.
    const [first] = cluster.nodes;
    await underFault('RabbitMQ node SIGKILL', async () => {
      await cluster.kill(first!);
      expect(await cluster.runningNodes()).toHaveLength(2);
      // Letters keep flowing on the two nodes left, before the lost one comes back.
      const deliveredBefore = totalDelivered();
      await waitUntil('both gateways connected to another node', allReady, 30_000);
      await waitUntil(
        'letters delivered without the lost node',
        async () => totalDelivered() >= deliveredBefore + 10,
        30_000,
      );
      await cluster.restart(first!);
      expect(await cluster.runningNodes()).toHaveLength(3);
    });
    expect(await allReady()).toBe(true);
  });

  it('one gateway is SIGKILLed while its clients retry on the other with their Idempotency-Key', async () => {
    await underFault('gateway SIGKILL', async () => {
      await gateways[0]!.kill('SIGKILL');
      await sleep(2000);
      gateways[0]!.start();
      await waitUntil('the killed gateway to be back', allReady);
    });
  });

  it('one adapter process is SIGKILLed mid-delivery; the other delivers its letter, once', async () => {
    await underFault('adapter SIGKILL', async () => {
      const hold = receivers[0]!.holdNext();
      await Promise.race([hold.arrived, sleep(20_000).then(() => Promise.reject(new Error('no delivery to hold')))]);
      await adapters[0]!.kill('SIGKILL');
      hold.release(200);
      await sleep(1000);
      adapters[0]!.start();
    });
  });

  it('PostgreSQL restarts; both gateways answer 503 meanwhile and recover', async () => {
    const sawUnready = urls.map(() => false);
    const seen = urls.map(() => new Set<number>());
    await underFault('PostgreSQL restart', async () => {
      await postgres.restart(1500, async () => {
        // Each gateway is asked on its own: a probe that times out on one must not hide the other's 503.
        await waitUntil('both gateways to report PostgreSQL down', async () => {
          const statuses = await Promise.all(urls.map((url) => readiness(url).catch(() => 0)));
          statuses.forEach((status, index) => {
            seen[index]!.add(status);
            sawUnready[index] ||= status === 503;
          });
          return sawUnready.every(Boolean);
        });
      });
      await waitUntil('both gateways after PostgreSQL is back', allReady);
    }).finally(() =>
      console.log(`readiness while PostgreSQL was down: ${seen.map((s) => [...s].join('/')).join(', ')}`),
    );
    expect(sawUnready).toEqual([true, true]);
  });
});
