import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapClients } from '../../gateway/clients/bootstrap-clients.ts';
import { loadConfig } from '../../gateway/platform/config.ts';
import { createPool } from '../../gateway/platform/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newSecrets } from '../support/processes.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('bootstrap clients', () => {
  it('are created once when several gateways start together, and none of them fails', async () => {
    const secrets = newSecrets();
    const config = loadConfig({
      DATABASE_URL: database.url,
      POSTBUD_DATA_KEY: secrets.dataKey,
      POSTBUD_QUEUE_SIGNING_KEY: secrets.queueSigningKey,
      POSTBUD_BOOTSTRAP_ADMIN_KEY: secrets.adminKey,
      POSTBUD_BOOTSTRAP_ADAPTER_KEY: `pb_${randomBytes(24).toString('base64url')}`,
    });
    // Four gateways, each with a connection of its own, as replicas starting at once have.
    const pools = Array.from({ length: 4 }, () => createPool(database.url, 1));
    try {
      const created = await Promise.all(pools.map((pool) => bootstrapClients(pool, config)));
      expect(created.flat().sort()).toEqual(['bootstrap-adapters', 'bootstrap-admin']);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    const clients = await database.db.query<{ name: string }>('SELECT name FROM api_clients ORDER BY name');
    expect(clients.rows.map((row) => row.name)).toEqual(['bootstrap-adapters', 'bootstrap-admin']);
    const events = await database.db.query(`SELECT 1 FROM audit_events WHERE action = 'client-created'`);
    expect(events.rowCount).toBe(2);
  });
});
