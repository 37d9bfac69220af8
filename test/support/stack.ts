import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { pino, type Logger } from 'pino';
import request from 'supertest';
import { topologyNames, topologyQueues } from '../../schemas/amqp-topology.ts';
import { sectors } from '../../schemas/categories.ts';
import { createQueueSigner } from '../../schemas/queue-signature.ts';
import { startAdapter, type RunningAdapter } from '../../adapters/kit/consumer.ts';
import { createHttpTransport } from '../../adapters/kit/http-transport.ts';
import { loadConfig, type Config } from '../../gateway/platform/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testMailboxes } from './fixtures.ts';
import { startTestReceiver, type TestReceiver } from './receiver.ts';
import { testQueuePrefix } from '../../adapters/test-support/test-names.ts';

export const amqpUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestStack {
  config: Config;
  database: TestDatabase;
  gateway: RunningGateway;
  url: string;
  prefix: string;
  receiver: TestReceiver;
  adapters: Map<string, RunningAdapter>;
  adminKey: string;
  adapterKey: string;
  senderKey: string;
  api(): ReturnType<typeof request>;
  startAdapters(): Promise<void>;
  stopAdapters(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  retryDelaysMs?: number[];
  adapters?: boolean;
  env?: Record<string, string>;
  /** Where gateway and adapters log; silent unless TEST_LOG_LEVEL is set. */
  log?: Logger;
}

const quiet = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * A whole Postbud for one test file on the real PostgreSQL and RabbitMQ: its own database, its
 * own queue prefix, a gateway on a free port, the three adapters and a receiving system. The
 * directory holds `testMailboxes()`, and a sender client may send for the psychiatry unit.
 */
export async function startTestStack(options: StackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const prefix = testQueuePrefix('t');
  const adminKey = `pb_${randomBytes(24).toString('base64url')}`;
  const adapterKey = `pb_${randomBytes(24).toString('base64url')}`;
  const retryDelaysMs = options.retryDelaysMs ?? [50, 100, 200];
  const config = loadConfig({
    DATABASE_URL: database.url,
    AMQP_URL: amqpUrl,
    PORT: '0',
    POSTBUD_DATA_KEY: `k1:${randomBytes(32).toString('base64')}`,
    POSTBUD_QUEUE_SIGNING_KEY: `q1:${randomBytes(32).toString('base64')}`,
    POSTBUD_BOOTSTRAP_ADMIN_KEY: adminKey,
    POSTBUD_BOOTSTRAP_ADAPTER_KEY: adapterKey,
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_RETRY_DELAYS_MS: retryDelaysMs.join(','),
    POSTBUD_OUTBOX_POLL_MS: '100',
    LOG_LEVEL: 'silent',
    // Tests poll statuses every 50 ms; rate limits are tested where a test asks for them.
    POSTBUD_RATE_LIMIT_PER_MINUTE: '600000',
    POSTBUD_RATE_LIMIT_BURST: '10000',
    // Tests call every route without a key; the limit on failed keys is tested where a test asks for it.
    POSTBUD_FAILED_AUTH_PER_MINUTE: '100000',
    // The test receivers listen on this machine, over plain http: admitted by name, as an operator would.
    POSTBUD_ENDPOINT_HOSTS: '127.0.0.1',
    POSTBUD_ENDPOINT_ALLOW_HTTP: 'true',
    ...options.env,
  });
  const log = options.log ?? quiet;
  const gateway = await startGateway(config, log);
  const url = `http://127.0.0.1:${gateway.port}`;
  const receiver = await startTestReceiver();
  const api = () => request(url);

  for (const mailbox of testMailboxes()) {
    const res = await api().post('/v1/directory/mailboxes').auth(adminKey, { type: 'bearer' }).send(mailbox);
    if (res.status !== 201)
      throw new Error(`seeding ${mailbox.sorId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const sender = await api()
    .post('/v1/admin/clients')
    .auth(adminKey, { type: 'bearer' })
    .send({ name: 'Test EPJ', roles: ['sender'], senders: [testMailboxes()[1]!.sorId] });
  const senderKey = sender.body.key as string;

  const adapters = new Map<string, RunningAdapter>();
  const stack: TestStack = {
    config,
    database,
    gateway,
    url,
    prefix,
    receiver,
    adapters,
    adminKey,
    adapterKey,
    senderKey,
    api,
    async startAdapters() {
      for (const sector of sectors) {
        adapters.set(
          sector,
          await startAdapter({
            sector,
            amqpUrl,
            prefix,
            retryDelaysMs,
            transport: createHttpTransport({ timeoutMs: 5_000 }),
            gateway: { url, key: adapterKey },
            defaultEndpoint: `${receiver.url}/${sector}`,
            log,
            prefetch: 10,
            signer: createQueueSigner(config.queueSigningKeys),
          }),
        );
      }
    },
    async stopAdapters() {
      await Promise.all([...adapters.values()].map((adapter) => adapter.stop()));
      adapters.clear();
    },
    async stop() {
      await stack.stopAdapters();
      await gateway.stop();
      await receiver.close();
      await deleteTopology(prefix, retryDelaysMs);
      await database.drop();
    },
  };
  if (options.adapters !== false) await stack.startAdapters();
  return stack;
}

/** Removes the exchange and every queue of a test's prefix. */
export async function deleteTopology(prefix: string, retryDelaysMs: readonly number[]): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  for (const queue of topologyQueues({ prefix, retryDelaysMs })) await channel.deleteQueue(queue);
  await channel.deleteExchange(topologyNames(prefix).lettersExchange);
  await connection.close();
}

/** Polls the letter until it reaches `status`, returning the last answer. */
export async function waitForStatus(stack: TestStack, letterId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    if (res.body.status === status) return res.body as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`letter ${letterId} is ${res.body.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
