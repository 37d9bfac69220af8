import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from './db.ts';

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

export async function apiClientExistsForKey(q: Queryable, key: string): Promise<boolean> {
  const result = await q.query('SELECT 1 FROM api_clients WHERE key_hash = $1', [hashApiKey(key)]);
  return (result.rowCount ?? 0) > 0;
}

export async function getApiClient(q: Queryable, id: string): Promise<ApiClient | undefined> {
  const result = await q.query<ClientRow>('SELECT id, name, roles, senders, active FROM api_clients WHERE id = $1', [id]);
  return result.rows[0] ? toClient(result.rows[0]) : undefined;
}
