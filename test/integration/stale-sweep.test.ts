import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serverUrl } from '../support/database.ts';
import { amqpUrl } from '../support/stack.ts';
import { sweepStaleTestLeftovers } from '../support/stale-sweep.ts';

const stamp = (hoursAgo: number) => (Date.now() - hoursAgo * 3_600_000).toString(36);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe("the sweep of killed test runs' leftovers", () => {
  it('removes stamped queues and databases older than an hour, and keeps younger ones and foreign names', async () => {
    const oldQueue = `pbt_t_${stamp(2)}_${hex(3)}.receipts`;
    const youngQueue = `pbt_t_${stamp(0.5)}_${hex(3)}.receipts`;
    const foreignQueue = `sweep${hex(4)}.receipts`;
    const oldDatabase = `postbud_test_${stamp(2)}_${hex(4)}`;
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    try {
      for (const queue of [oldQueue, youngQueue, foreignQueue])
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await admin.query(`CREATE DATABASE "${oldDatabase}"`);

      const removed = await sweepStaleTestLeftovers(serverUrl, amqpUrl);

      expect(removed).toEqual(expect.arrayContaining([`queue ${oldQueue}`, `database ${oldDatabase}`]));
      expect(removed.some((line) => line.includes(youngQueue) || line.includes(foreignQueue))).toBe(false);
      const exists = async (queue: string) => {
        const probe = await connection.createChannel();
        probe.on('error', () => undefined);
        return probe.checkQueue(queue).then(
          async () => (await probe.close(), true),
          () => false,
        );
      };
      expect(await exists(oldQueue)).toBe(false);
      expect(await exists(youngQueue)).toBe(true);
      expect(await exists(foreignQueue)).toBe(true);
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [oldDatabase]);
      expect(rowCount).toBe(0);
    } finally {
      for (const queue of [oldQueue, youngQueue, foreignQueue]) await channel.deleteQueue(queue).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${oldDatabase}"`);
      await admin.end();
      await connection.close();
    }
  });
});
