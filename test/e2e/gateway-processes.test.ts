import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testLetter, testMailboxes } from '../support/fixtures.ts';
import { freePort, newSecrets, ServiceProcess, waitUntil } from '../support/processes.ts';
import { defaultRetryDelaysMs } from '../../schemas/amqp-topology.ts';
import { amqpUrl, deleteTopology } from '../support/stack.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';

/**
 * `POSTBUD_GATEWAY_PROCESSES=2`: one supervisor, two workers sharing the port. Each request goes
 * on a connection of its own, so node:cluster hands them to both workers in turn.
 */
let database: TestDatabase;
let gateway: ServiceProcess;
let port: number;
let senderKey: string;
const secrets = newSecrets();
const prefix = testQueuePrefix('procs');

function call(method: string, path: string, body?: object, key = secrets.adminKey) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false, // a fresh connection per request
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const workersOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

const metric = (text: string, name: string) =>
  [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);

beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  gateway = new ServiceProcess('gateway/main.ts', {
    DATABASE_URL: database.url,
    AMQP_URL: amqpUrl,
    PORT: String(port),
    POSTBUD_GATEWAY_PROCESSES: '2',
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_DATA_KEY: secrets.dataKey,
    POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
    POSTBUD_BOOTSTRAP_ADMIN_KEY: secrets.adminKey,
    POSTBUD_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: process.env.FAULT_DEBUG ? 'info' : 'silent',
  });
  gateway.start();
  await waitUntil('two gateway workers', async () => workersOf(gateway.pid!).length === 2);
  await waitUntil('the gateway', async () => (await call('GET', '/health/ready')).status === 200);
  for (const mailbox of testMailboxes()) await call('POST', '/v1/directory/mailboxes', mailbox);
  const client = await call('POST', '/v1/admin/clients', {
    name: 'EPJ',
    roles: ['sender'],
    senders: [testMailboxes()[1]!.sorId],
  });
  senderKey = (JSON.parse(client.text) as { key: string }).key;
});
afterAll(async () => {
  await gateway?.kill();
  await deleteTopology(prefix, defaultRetryDelaysMs);
  await database?.drop();
});

describe('a gateway of several processes', () => {
  it('migrates once, then both workers accept letters and one scrape counts them all', async () => {
    const migrations = await database.db.query(
      'SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM pgmigrations',
    );
    expect(migrations.rows[0].n).toBe(migrations.rows[0].d);
    const before = metric((await call('GET', '/metrics')).text, 'postbud_letters_accepted_total');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/v1/messages', testLetter(), senderKey)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    // Counted once per letter whichever worker took it: a per-process scrape would see about half.
    const after = metric((await call('GET', '/metrics')).text, 'postbud_letters_accepted_total');
    expect(after - before).toBe(20);
    const stored = await database.db.query('SELECT count(*)::int AS n FROM letters');
    expect(stored.rows[0].n).toBe(20);
  });

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const [victim, survivor] = workersOf(gateway.pid!);
    process.kill(victim!, 'SIGKILL');
    // A connection handed to the victim in its last instant is lost with it, as with any process
    // that dies; once the supervisor has reaped it, the survivor takes every connection while a
    // new worker starts beside it.
    await waitUntil('the victim reaped', async () => !workersOf(gateway.pid!).includes(victim!), 10_000, 20);
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/health/live')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    await waitUntil('a replacement worker', async () => {
      const now = workersOf(gateway.pid!);
      return now.length === 2 && now.includes(survivor!) && !now.includes(victim!);
    });
    await waitUntil('the gateway', async () => (await call('GET', '/health/ready')).status === 200);
    expect((await call('POST', '/v1/messages', testLetter(), senderKey)).status).toBe(202);
  });

  it('on SIGTERM the supervisor stops every worker and exits 0', async () => {
    const workers = workersOf(gateway.pid!);
    const exited = gateway.exit();
    gateway.signal('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('a gateway whose workers cannot start', () => {
  it('gives up after five quick deaths in a row instead of restarting them for ever', async () => {
    const taken = createServer().listen(0, '0.0.0.0');
    await once(taken, 'listening');
    const busyPort = (taken.address() as AddressInfo).port;
    const doomed = new ServiceProcess('gateway/main.ts', {
      DATABASE_URL: database.url,
      AMQP_URL: amqpUrl,
      PORT: String(busyPort),
      POSTBUD_GATEWAY_PROCESSES: '2',
      POSTBUD_AMQP_PREFIX: prefix,
      POSTBUD_DATA_KEY: secrets.dataKey,
      POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
      LOG_LEVEL: 'silent',
    });
    try {
      doomed.start();
      const exited = doomed.exit();
      expect(await exited).toBe(1);
    } finally {
      await doomed.kill();
      taken.close();
    }
  }, 120_000);
});
