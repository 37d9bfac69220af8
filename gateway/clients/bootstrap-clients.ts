import { apiClientExistsForKey, insertApiClient, type Role } from './client-store.ts';
import { appendAuditEvents, systemActor } from '../audit/audit-trail.ts';
import type { Config } from '../platform/config.ts';
import { inTransaction, type Db } from '../platform/db.ts';

/**
 * Creates the first admin client (and, for development stacks, the adapters' client) from keys
 * given in the environment, once: a key already stored is left alone. Gateways starting together
 * (replicas, or several supervisors) take turns on an advisory lock and look again under it, so
 * only one creates each client and none fails on the others' insert.
 */
export async function bootstrapClients(db: Db, config: Config): Promise<string[]> {
  const wanted: Array<{ key: string | undefined; name: string; roles: Role[] }> = [
    { key: config.bootstrapAdminKey, name: 'bootstrap-admin', roles: ['admin'] },
    { key: config.bootstrapAdapterKey, name: 'bootstrap-adapters', roles: ['adapter'] },
  ];
  const created: string[] = [];
  for (const { key, name, roles } of wanted) {
    if (!key || (await apiClientExistsForKey(db, key))) continue;
    const made = await inTransaction(db, async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('postbud:bootstrap-clients'))");
      if (await apiClientExistsForKey(tx, key)) return false;
      const { client } = await insertApiClient(tx, { name, roles, senders: [] }, key);
      await appendAuditEvents(tx, systemActor, [
        { action: 'client-created', details: { clientId: client.id, name, roles, bootstrap: true } },
      ]);
      return true;
    });
    if (made) created.push(name);
  }
  return created;
}
