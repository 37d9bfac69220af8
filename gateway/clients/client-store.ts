import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';

export type Role = 'sender' | 'admin' | 'auditor' | 'adapter';

export interface ApiClient {
  id: string;
  name: string;
  roles: Role[];
  senders: string[];
  active: boolean;
}

/** API keys are 256 random bits; only their SHA-256 is stored, and the key is shown once. */
export function newApiKey(): string {
  return `pb_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

interface ClientRow {
  id: string;
  name: string;
  roles: Role[];
  senders: string[];
  active: boolean;
}

const toClient = (row: ClientRow): ApiClient => ({
  id: row.id,
  name: row.name,
  roles: row.roles,
  senders: row.senders,
  active: row.active,
});

export async function insertApiClient(
  q: Queryable,
  client: { name: string; roles: Role[]; senders: string[] },
  key: string = newApiKey(),
): Promise<{ client: ApiClient; key: string }> {
  const result = await q.query<ClientRow>(
    `INSERT INTO api_clients (id, name, key_hash, roles, senders) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, name, roles, senders, active`,
    [randomUUID(), client.name, hashApiKey(key), client.roles, client.senders],
  );
  return { client: toClient(result.rows[0]!), key };
}

export async function findApiClientByKey(q: Queryable, key: string): Promise<ApiClient | undefined> {
  const result = await q.query<ClientRow>(
    'SELECT id, name, roles, senders, active FROM api_clients WHERE key_hash = $1 AND active AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return result.rows[0] ? toClient(result.rows[0]) : undefined;
}

/** Whether a key is or ever was some client's: a rotated-away key is never issued again. */
export async function apiClientExistsForKey(q: Queryable, key: string): Promise<boolean> {
  const result = await q.query(
    'SELECT 1 FROM api_clients WHERE key_hash = $1 UNION ALL SELECT 1 FROM retired_api_keys WHERE key_hash = $1',
    [hashApiKey(key)],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getApiClient(q: Queryable, id: string): Promise<ApiClient | undefined> {
  const result = await q.query<ClientRow>('SELECT id, name, roles, senders, active FROM api_clients WHERE id = $1', [
    id,
  ]);
  return result.rows[0] ? toClient(result.rows[0]) : undefined;
}

/** What an admin sees of a client: never its key or the key's hash. */
/** The names of these clients, by id, for showing who did something. */
export async function clientNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM api_clients WHERE id = ANY ($1::uuid[])',
    [ids],
  );
  return new Map(result.rows.map((row) => [row.id, row.name]));
}

export interface ApiClientListing extends ApiClient {
  createdAt: string;
  revokedAt: string | null;
  keyRotatedAt: string | null;
}

export async function listApiClients(q: Queryable): Promise<ApiClientListing[]> {
  const result = await q.query<ApiClientListing>(
    `SELECT id, name, roles, senders, active AND revoked_at IS NULL AS active,
       to_json(created_at) #>> '{}' AS "createdAt", to_json(revoked_at) #>> '{}' AS "revokedAt",
       to_json(key_rotated_at) #>> '{}' AS "keyRotatedAt"
     FROM api_clients ORDER BY created_at, id`,
  );
  return result.rows;
}

/**
 * Revokes a client for good; authentication reads the table on every request, so its key is
 * refused from the next request on. Returns undefined for an unknown client. The row lock does
 * not wait for the client's letters still uploading (they hold its key share, not the row); each
 * of them finds the key revoked at its commit and stores nothing.
 */
export async function revokeApiClient(
  q: Queryable,
  id: string,
): Promise<{ client: ApiClient; alreadyRevoked: boolean } | undefined> {
  const before = await q.query<ClientRow & { revoked: boolean }>(
    'SELECT id, name, roles, senders, active, revoked_at IS NOT NULL AS revoked FROM api_clients WHERE id = $1 FOR NO KEY UPDATE',
    [id],
  );
  const row = before.rows[0];
  if (!row) return undefined;
  if (!row.revoked) await q.query('UPDATE api_clients SET active = false, revoked_at = now() WHERE id = $1', [id]);
  return { client: toClient({ ...row, active: false }), alreadyRevoked: row.revoked };
}

/**
 * Gives an active client a new key and retires the old one at once (no overlap: a leaked key
 * is why keys get rotated). Returns undefined for an unknown or revoked client.
 */
export async function rotateApiClientKey(
  q: Queryable,
  id: string,
  key: string = newApiKey(),
): Promise<{ client: ApiClient; key: string } | undefined> {
  const current = await q.query<ClientRow & { key_hash: string }>(
    `SELECT id, name, roles, senders, active, key_hash FROM api_clients
     WHERE id = $1 AND active AND revoked_at IS NULL FOR UPDATE`,
    [id],
  );
  const row = current.rows[0];
  if (!row) return undefined;
  await q.query('INSERT INTO retired_api_keys (key_hash, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    row.key_hash,
    id,
  ]);
  await q.query('UPDATE api_clients SET key_hash = $2, key_rotated_at = now() WHERE id = $1', [id, hashApiKey(key)]);
  return { client: toClient(row), key };
}
