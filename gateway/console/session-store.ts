import type { ApiClient, Role } from '../clients/client-store.ts';
import type { Queryable } from '../platform/db.ts';

/** SQL of `console_sessions` (migration 011). Tokens arrive here hashed; the store never sees one. */

export interface StoredSession {
  client: ApiClient;
  csrfToken: string;
  expiresAt: string;
}

export async function insertConsoleSession(
  q: Queryable,
  session: { tokenHash: string; clientId: string; keyHash: string; csrfToken: string; lifetimeMinutes: number },
): Promise<{ expiresAt: string }> {
  const result = await q.query<{ expiresAt: string }>(
    `INSERT INTO console_sessions (token_hash, client_id, key_hash, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))
     RETURNING to_json(expires_at) #>> '{}' AS "expiresAt"`,
    [session.tokenHash, session.clientId, session.keyHash, session.csrfToken, session.lifetimeMinutes],
  );
  return result.rows[0]!;
}

interface SessionRow {
  id: string;
  name: string;
  roles: Role[];
  senders: string[];
  csrf_token: string;
  expires_at: string;
}

/**
 * The open session of this token, marked as used now. A session is open while not ended, within
 * its lifetime, used within the idle limit, and while its client is active with the key it signed in with.
 */
export async function touchConsoleSession(
  q: Queryable,
  tokenHash: string,
  idleMinutes: number,
): Promise<StoredSession | undefined> {
  const result = await q.query<SessionRow>(
    `UPDATE console_sessions s SET last_seen_at = now()
     FROM api_clients c
     WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(mins => $2)
       AND c.id = s.client_id AND c.key_hash = s.key_hash AND c.active AND c.revoked_at IS NULL
     RETURNING c.id, c.name, c.roles, c.senders, s.csrf_token, to_json(s.expires_at) #>> '{}' AS expires_at`,
    [tokenHash, idleMinutes],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    client: { id: row.id, name: row.name, roles: row.roles, senders: row.senders, active: true },
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

/** Ends the session; answers its client's id, or undefined when it was not open. */
export async function endConsoleSession(q: Queryable, tokenHash: string): Promise<string | undefined> {
  const result = await q.query<{ client_id: string }>(
    'UPDATE console_sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL RETURNING client_id',
    [tokenHash],
  );
  return result.rows[0]?.client_id;
}

/** Sessions past their lifetime for a day are of no further use. */
export async function deleteStaleConsoleSessions(q: Queryable): Promise<number> {
  const result = await q.query(`DELETE FROM console_sessions WHERE expires_at < now() - interval '1 day'`);
  return result.rowCount ?? 0;
}
