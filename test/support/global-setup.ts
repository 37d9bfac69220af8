import amqp from 'amqplib';
import pg from 'pg';
import { sweepStaleTestLeftovers } from './stale-sweep.ts';

const databaseUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
const amqpUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The storage, queue and end-to-end tests need the real PostgreSQL and RabbitMQ. If either is
 * unreachable the run fails here with one clear line; it never skips silently.
 */
export default async function checkServices(): Promise<void> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: `${databaseUrl}/postgres`, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problems.push(`PostgreSQL at ${databaseUrl} is unreachable (${(error as Error).message})`);
  } finally {
    await client.end().catch(() => undefined);
  }
  try {
    const connection = await amqp.connect(amqpUrl, { timeout: 5_000 });
    await connection.close();
  } catch (error) {
    problems.push(`RabbitMQ at ${amqpUrl} is unreachable (${(error as Error).message})`);
  }
  if (problems.length > 0) {
    throw new Error(`Tests need real services: ${problems.join('; ')}. Start them (see README).`);
  }
  const removed = await sweepStaleTestLeftovers(databaseUrl, amqpUrl);
  if (removed.length > 0) console.log(`removed ${removed.length} leftovers of killed test runs (${removed[0]}, …)`);
}
