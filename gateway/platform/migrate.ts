import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { ensureDatabase } from './db.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies the plain-SQL migrations in `gateway/migrations` with node-pg-migrate, which takes an
 * advisory lock so several gateway instances starting together migrate once.
 */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      log: () => undefined,
      checkOrder: true,
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}
