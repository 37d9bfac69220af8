import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { testMailboxes } from '../../support/fixtures.ts';
import { adapterEnv, freePort, gatewayEnv, newSecrets, ServiceProcess, waitUntil } from '../../support/processes.ts';
import { startTestReceiver, type TestReceiver } from '../../support/receiver.ts';
import { amqpUrl, deleteTopology } from '../../support/stack.ts';
import { testQueuePrefix } from '../../../adapters/test-support/test-names.ts';

/**
 * The whole Postbud as `npm start` runs it, for the benchmark: a gateway process and an adapters
 * process on a fresh database of their own and their own queue prefix, rate limits off, and a
 * receiving system in this process that answers 200 at once and counts what it got.
 */
export interface BenchStack {
  url: string;
  prefix: string;
  database: TestDatabase;
  receiver: TestReceiver;
  gateway: ServiceProcess;
  adapters: ServiceProcess;
  senderKey: string;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  logLevel: string;
  /** Where `--cpu-prof` profiles go; no profiling when undefined. */
  cpuProfileDir?: string | undefined;
  /** POSTBUD_GATEWAY_PROCESSES of the gateway; the caller's environment's when undefined. */
  gatewayProcesses?: number | undefined;
}

// The adapters' and gateway's defaults, as `npm start` has them.
const retryDelaysMs = [1000, 5000, 30000, 120000];

/** POSTBUD_* and MALLOC_* settings of the caller's environment (say POSTBUD_ADAPTER_PREFETCH) go to both processes. */
function tuning(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        (entry[0].startsWith('POSTBUD_') || entry[0].startsWith('MALLOC_')) && entry[1] !== undefined,
    ),
  );
}

/**
 * What runs: the build in dist/, as `npm start` and the image run it (built afresh here), or the
 * TypeScript under tsx with BENCH_TSX=1, to compare the two.
 */
const underTsx = process.env.BENCH_TSX === '1';
const entry = (name: string) => (underTsx ? `${name}.ts` : `dist/${name}.js`);

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  if (!underTsx) execFileSync(process.execPath, [fileURLToPath(new URL('../../../deploy/build.mjs', import.meta.url))]);
  const database = await createTestDatabase('postbud_bench');
  const prefix = testQueuePrefix('bench');
  const secrets = newSecrets();
  const receiver = await startTestReceiver({ keepBodies: false });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One folder a process: under tsx, its loader runs in a worker thread that writes a profile of its own.
  const profile = (name: string) => {
    if (!options.cpuProfileDir) return [];
    mkdirSync(`${options.cpuProfileDir}/${name}`, { recursive: true });
    return ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}/${name}`];
  };
  const common = {
    ...tuning(),
    AMQP_URL: amqpUrl,
    POSTBUD_AMQP_PREFIX: prefix,
    POSTBUD_RETRY_DELAYS_MS: retryDelaysMs.join(','),
    POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
    LOG_LEVEL: options.logLevel,
  };
  const gateway = new ServiceProcess(
    entry('gateway/main'),
    {
      POSTBUD_RATE_LIMIT_PER_MINUTE: '0',
      POSTBUD_ADAPTER_RATE_LIMIT_PER_MINUTE: '0',
      POSTBUD_UPLOADS_PER_CLIENT: '1000',
      ...common,
      ...(options.gatewayProcesses ? { POSTBUD_GATEWAY_PROCESSES: String(options.gatewayProcesses) } : {}),
      ...gatewayEnv(secrets, database.url, port),
    },
    profile('gateway'),
  );
  const adapters = new ServiceProcess(
    entry('adapters/main'),
    { ...common, ...adapterEnv(secrets, url, receiver.url) },
    profile('adapters'),
  );
  const stop = async () => {
    // SIGTERM, so both stop gracefully and write their CPU profiles.
    await adapters.kill('SIGTERM');
    await gateway.kill('SIGTERM');
    await receiver.close();
    await deleteTopology(prefix, retryDelaysMs).catch(() => undefined);
    await database.drop();
  };
  try {
    gateway.start();
    await waitUntil('the gateway to be ready', async () => (await fetch(`${url}/health/ready`)).status === 200);
    const admin = (path: string, body: object) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secrets.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const mailbox of testMailboxes()) {
      const res = await admin('/v1/directory/mailboxes', mailbox);
      if (res.status !== 201) throw new Error(`seeding mailbox ${mailbox.sorId} failed: ${res.status}`);
    }
    const sender = await admin('/v1/admin/clients', {
      name: 'Bench EPJ',
      roles: ['sender'],
      senders: [testMailboxes()[1]!.sorId],
    });
    const senderKey = ((await sender.json()) as { key: string }).key;
    adapters.start();
    return { url, prefix, database, receiver, gateway, adapters, senderKey, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
