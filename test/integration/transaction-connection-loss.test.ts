import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginTransaction } from '../../gateway/platform/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('a transaction whose connection PostgreSQL ends between two statements', () => {
  it('fails its next statement and its commit instead of crashing the process, and the pool goes on', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const transaction = await beginTransaction(database.db);
      const { rows } = await transaction.tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // As a PostgreSQL restart does to every session, while this one waits (for a broker, say).
      await database.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(transaction.tx.query('SELECT 1')).rejects.toThrow();
      await expect(transaction.commit()).rejects.toThrow();
      await transaction.rollback();
      expect(uncaught).toEqual([]);
      expect((await database.db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', record);
    }
  });
});
