import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Db } from '../../gateway/platform/db.ts';
import { migrate } from '../../gateway/platform/migrate.ts';

export const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file (or benchmark); `drop()` removes it.
 * `server` is the machine's PostgreSQL unless a test brings its own (test/support/private-postgres.ts).
 */
export async function createTestDatabase(namePrefix = 'postbud_test', server = serverUrl): Promise<TestDatabase> {
  const name = `${namePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = `${server}/${name}`;
  await migrate(url);
  const db = createPool(url, 20);
  return {
    url,
    name,
    db,
    async drop() {
      await db.end();
      const admin = new pg.Client({ connectionString: `${server}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
