import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testFiles, testLetter, testMailboxes } from '../support/fixtures.ts';
import { freePort, newSecrets, ServiceProcess, waitUntil } from '../support/processes.ts';
import { defaultRetryDelaysMs } from '../../schemas/amqp-topology.ts';
import { amqpUrl, deleteTopology } from '../support/stack.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';

let database: TestDatabase;
let gateway: ServiceProcess;
let url: string;
let senderKey: string;
const secrets = newSecrets();
const prefix = testQueuePrefix('shutdown');

async function post(path: string, body: object, key = secrets.adminKey) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  gateway = new ServiceProcess('gateway/main.ts', {
    DATABASE_URL: database.url,
    AMQP_URL: amqpUrl,
    PORT: String(port),
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_DATA_KEY: secrets.dataKey,
    POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
    POSTBUD_BOOTSTRAP_ADMIN_KEY: secrets.adminKey,
    LOG_LEVEL: process.env.FAULT_DEBUG ? 'info' : 'silent',
  });
  gateway.start();
  await waitUntil('the gateway', async () => (await fetch(`${url}/health/ready`)).ok);
  for (const mailbox of testMailboxes()) await post('/v1/directory/mailboxes', mailbox);
  senderKey = (
    await post('/v1/admin/clients', { name: 'EPJ', roles: ['sender'], senders: [testMailboxes()[1]!.sorId] })
  ).key as string;
});
afterAll(async () => {
  await gateway?.kill();
  await deleteTopology(prefix, defaultRetryDelaysMs);
  await database?.drop();
});

describe('graceful shutdown', () => {
  it('on SIGTERM the gateway finishes a letter still uploading, refuses new connections, and exits 0', async () => {
    const [file] = testFiles(1, 2_000_000);
    const boundary = 'postbud-shutdown-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: application/json\r\n\r\n` +
        `${JSON.stringify(testLetter({ attachments: [{ title: file!.title, contentType: file!.contentType }] }))}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: ${file!.contentType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const upload = request(`${url}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${senderKey}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file!.bytes.length + tail.length,
      },
    });
    const answered = once(upload, 'response');
    upload.write(head);
    upload.write(file!.bytes.subarray(0, 1000));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const exited = gateway.exit();
    gateway.signal('SIGTERM');
    // Soon a fresh connection is refused: the listening socket is closed, the upload goes on.
    const refused = () =>
      new Promise<boolean>((resolve) => {
        const probe = connect(Number(new URL(url).port), '127.0.0.1');
        probe.once('connect', () => (probe.destroy(), resolve(false)));
        probe.once('error', () => resolve(true));
      });
    await waitUntil('the gateway to stop listening', refused, 10_000, 50);

    upload.end(Buffer.concat([file!.bytes.subarray(1000), tail]));
    const [response] = (await answered) as [import('node:http').IncomingMessage];
    let body = '';
    for await (const chunk of response) body += chunk;
    expect(response.statusCode).toBe(202);
    const id = (JSON.parse(body) as { id: string }).id;
    expect(await exited).toBe(0);
    const stored = await database.db.query('SELECT status FROM letters WHERE id = $1', [id]);
    expect(stored.rows).toHaveLength(1);
  });
});
