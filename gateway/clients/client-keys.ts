import type { ApiClientRequest } from '../../schemas/api-client.ts';
import { roleMixProblem } from './role-mix.ts';
import { getApiClient, insertApiClient, revokeApiClient, rotateApiClientKey, type ApiClient } from './client-store.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * Creating API clients, revoking and rotating their keys, audited, shared by the admin API and
 * `postbud clients`. The audit events name the client, never the key or its hash.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function clientNotFound(): ProblemError {
  return new ProblemError(404, 'client-not-found', 'API client not found', 'No API client has this id.');
}

function assertClientId(id: string): void {
  if (!uuidPattern.test(id)) throw clientNotFound();
}

/** A new client and its key, which is shown this once and stored only as a hash. */
export async function createClient(
  db: Db,
  actor: Actor,
  request: ApiClientRequest,
): Promise<{ client: ApiClient; key: string }> {
  const mix = roleMixProblem(request.roles);
  if (mix) throw new ProblemError(422, 'role-mix-refused', 'Roles may not be combined', mix);
  return inTransaction(db, async (tx) => {
    const created = await insertApiClient(tx, {
      name: request.name,
      roles: [...request.roles],
      senders: [...(request.senders ?? [])],
    });
    await appendAuditEvents(tx, actor, [
      {
        action: 'client-created',
        details: {
          clientId: created.client.id,
          name: request.name,
          roles: request.roles,
          senders: request.senders ?? [],
          // An adapter key reads every letter: one minted over the API is flagged for auditors.
          ...(request.roles.includes('adapter') ? { flag: 'adapter-key-minted' } : {}),
        },
      },
    ]);
    return created;
  });
}

export async function revokeClient(
  db: Db,
  id: string,
  actor: Actor,
): Promise<{ client: ApiClient; alreadyRevoked: boolean }> {
  assertClientId(id);
  return inTransaction(db, async (tx) => {
    const revoked = await revokeApiClient(tx, id);
    if (!revoked) throw clientNotFound();
    if (!revoked.alreadyRevoked) {
      await appendAuditEvents(tx, actor, [
        { action: 'client-revoked', details: { clientId: id, name: revoked.client.name, roles: revoked.client.roles } },
      ]);
    }
    return revoked;
  });
}

export async function rotateClientKey(db: Db, id: string, actor: Actor): Promise<{ client: ApiClient; key: string }> {
  assertClientId(id);
  return inTransaction(db, async (tx) => {
    const rotated = await rotateApiClientKey(tx, id);
    if (!rotated) {
      if (await getApiClient(tx, id)) {
        throw new ProblemError(
          409,
          'client-revoked',
          'The API client is revoked',
          'A revoked client gets no new key; create a new client.',
        );
      }
      throw clientNotFound();
    }
    await appendAuditEvents(tx, actor, [
      {
        action: 'client-key-rotated',
        details: { clientId: id, name: rotated.client.name, roles: rotated.client.roles },
      },
    ]);
    return rotated;
  });
}
