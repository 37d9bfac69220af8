import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import { stampOf } from '../../adapters/test-support/test-names.ts';
import { topologyNames } from '../../schemas/amqp-topology.ts';

const run = promisify(execFile);
/** Far longer than any test run or benchmark takes: what is older was left by one that was killed. */
const staleAfterMs = 60 * 60 * 1000;

const isStale = (stamp: number | undefined, now: number) => stamp !== undefined && now - stamp > staleAfterMs;

/**
 * Removes what killed test runs left on the machine's services: their quorum queues and their
 * databases. RabbitMQ 3.10 books three file handles per quorum queue against a budget taken from
 * its `ulimit -n` (927 of this machine's 1,024), and once about 300 quorum queues exist it stops
 * taking new connections: they hang in the AMQP handshake, which is how a CI run on a broker full
 * of a session's leftovers timed out. Only names a test run makes, stamped more than an hour
 * ago, and only queues nobody consumes.
 * Housekeeping: when `rabbitmqctl` is not on this machine the queues stay, and the run goes on.
 */
export async function sweepStaleTestLeftovers(databaseUrl: string, amqpUrl: string): Promise<string[]> {
  const now = Date.now();
  const removed: string[] = [];
  const client = new pg.Client({ connectionString: `${databaseUrl}/postgres`, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    for (const { datname } of rows) {
      if (!isStale(stampOf(datname, 'database'), now)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      removed.push(`database ${datname}`);
    }
  } finally {
    await client.end();
  }

  if (!isMachineBroker(amqpUrl)) return removed;
  const listed = await run('rabbitmqctl', ['-q', 'list_queues', 'name', 'consumers', '--formatter', 'json'], {
    timeout: 30_000,
  }).catch(() => undefined);
  if (!listed) return removed;
  const queues = JSON.parse(listed.stdout) as Array<{ name: string; consumers: number }>;
  const stale = queues.filter((queue) => queue.consumers === 0 && isStale(stampOf(queue.name, 'queue'), now));
  if (stale.length === 0) return removed;
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const { name } of stale) {
      await channel.deleteQueue(name);
      removed.push(`queue ${name}`);
    }
    for (const exchange of new Set(stale.map(({ name }) => topologyNames(name.split('.')[0]!).lettersExchange))) {
      await channel.deleteExchange(exchange);
    }
  } finally {
    await connection.close();
  }
  return removed;
}

/** rabbitmqctl reaches the machine's own node only; a broker elsewhere is left to its owner. */
function isMachineBroker(amqpUrl: string): boolean {
  const { hostname, port } = new URL(amqpUrl.split(',')[0]!);
  return ['127.0.0.1', 'localhost'].includes(hostname) && (port === '' || port === '5672');
}
