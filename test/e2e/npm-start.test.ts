import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryDelaysMs, topologyNames } from '../../schemas/amqp-topology.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testFiles, testLetter, testMailboxes, withBase64 } from '../support/fixtures.ts';
import { freePort, newSecrets, waitUntil } from '../support/processes.ts';
import { amqpUrl, deleteTopology } from '../support/stack.ts';

/**
 * What `npm start` runs, as it runs it: the build (deploy/build.mjs, here into a folder of this
 * test's own) started by its compiled stack.ts on Node.js alone, with the gateway, the adapters
 * and the demo receiver as its children. A letter goes through to the demo receiver.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const buildDir = `node_modules/.cache/postbud-build-${process.pid}`;
const prefix = testQueuePrefix('npmstart');
const secrets = newSecrets();
let database: TestDatabase;
let stack: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  execFileSync(process.execPath, [`${root}deploy/build.mjs`, buildDir], { stdio: 'pipe' });
  database = await createTestDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  stack = spawn(process.execPath, [`${root}${buildDir}/gateway/stack.js`], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      AMQP_URL: amqpUrl,
      PORT: String(port),
      DEMO_RECEIVER_PORT: String(await freePort()),
      POSTBUD_AMQP_PREFIX: prefix,
      POSTBUD_DATA_KEY: secrets.dataKey,
      POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
      POSTBUD_BOOTSTRAP_ADMIN_KEY: secrets.adminKey,
      POSTBUD_BOOTSTRAP_ADAPTER_KEY: secrets.adapterKey,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  stack.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitUntil('the stack to run', async () => output.includes('postbud: stack running'), 90_000, 200);
}, 150_000);

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    stack.kill('SIGTERM');
    await once(stack, 'exit');
  }
  await deleteTopology(prefix, defaultRetryDelaysMs).catch(() => undefined);
  await database?.drop();
  rmSync(`${root}${buildDir}`, { recursive: true, force: true });
}, 60_000);

async function call(path: string, key: string, body?: object) {
  const res = await fetch(`${url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('npm start, from the build', () => {
  it('runs every process on Node.js alone, without tsx', () => {
    const command = execFileSync('ps', ['-o', 'args=', '--ppid', String(stack.pid)], { encoding: 'utf8' });
    const children = command.trim().split('\n');
    expect(children).toHaveLength(3);
    for (const child of children) {
      expect(child).toMatch(new RegExp(`${buildDir}/(gateway/main|adapters/main|adapters/demo-receiver)\\.js$`));
      expect(child).not.toContain('tsx');
    }
  });

  it('finds the files it reads at run time: migrations, the demo directory, the docs and console assets', async () => {
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const search = await call('/v1/directory/mailboxes?q=Aarhus%20Universitetshospital', secrets.adminKey);
    expect(search.status).toBe(200);
    expect(JSON.stringify(search.body)).toContain('Aarhus Universitetshospital');
    for (const asset of ['/docs', '/console/assets/console.css', '/docs/openapi.json']) {
      expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
    }
  });

  it('delivers a letter with attachments through its adapters to the demo receiver', async () => {
    for (const mailbox of testMailboxes())
      expect((await call('/v1/directory/mailboxes', secrets.adminKey, mailbox)).status).toBe(201);
    const sender = await call('/v1/admin/clients', secrets.adminKey, {
      name: 'EPJ',
      roles: ['sender'],
      senders: [testMailboxes()[1]!.sorId],
    });
    const senderKey = sender.body.key as string;
    const sent = await call('/v1/messages', senderKey, { ...testLetter(), attachments: withBase64(testFiles(2)) });
    expect(sent.status).toBe(202);
    await waitUntil(
      'the letter to be delivered',
      async () => (await call(`/v1/messages/${sent.body.id as string}`, senderKey)).body.status === 'delivered',
      30_000,
      100,
    );
    const connection = await amqp.connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const queue = await channel.checkQueue(topologyNames(prefix).letterQueue('gp'));
      expect(queue.consumerCount).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
  });

  it('stops every process on SIGTERM', async () => {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(stack.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    stack.kill('SIGTERM');
    const [code] = (await once(stack, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  });
});
