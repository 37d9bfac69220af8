import { createHash, randomBytes } from 'node:crypto';
import { appendAuditEvents, actorOf } from '../audit/audit-trail.ts';
import { findApiClientByKey, hashApiKey } from '../clients/client-store.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { newCsrfToken } from './csrf.ts';
import {
  deleteStaleConsoleSessions,
  endConsoleSession,
  insertConsoleSession,
  touchConsoleSession,
  type StoredSession,
} from './session-store.ts';

/**
 * Signing in to the console: the API key is checked exactly as the API checks it, then
 * exchanged for a session token (256 random bits) that only the browser's cookie holds.
 */

export interface SessionLimits {
  idleMinutes: number;
  lifetimeMinutes: number;
}

export type ConsoleSession = StoredSession;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const isTokenShaped = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export async function signIn(
  db: Db,
  apiKey: string,
  limits: SessionLimits,
): Promise<{ token: string; session: ConsoleSession } | undefined> {
  if (!/^[A-Za-z0-9_.~+/=-]{16,200}$/.test(apiKey)) return undefined;
  const client = await findApiClientByKey(db, apiKey);
  if (!client) return undefined;
  const token = randomBytes(32).toString('base64url');
  const csrfToken = newCsrfToken();
  const { expiresAt } = await inTransaction(db, async (tx) => {
    await deleteStaleConsoleSessions(tx);
    const stored = await insertConsoleSession(tx, {
      tokenHash: hashToken(token),
      clientId: client.id,
      keyHash: hashApiKey(apiKey),
      csrfToken,
      lifetimeMinutes: limits.lifetimeMinutes,
    });
    await appendAuditEvents(tx, actorOf(client), [
      { action: 'console-signed-in', details: { expiresAt: stored.expiresAt } },
    ]);
    return stored;
  });
  return { token, session: { client, csrfToken, expiresAt } };
}

export async function openSession(db: Db, token: string, limits: SessionLimits): Promise<ConsoleSession | undefined> {
  if (!isTokenShaped(token)) return undefined;
  return touchConsoleSession(db, hashToken(token), limits.idleMinutes);
}

/** Ends the session of this token for good; signing out twice records it once. */
export async function signOut(db: Db, session: ConsoleSession, token: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    if (await endConsoleSession(tx, hashToken(token))) {
      await appendAuditEvents(tx, actorOf(session.client), [{ action: 'console-signed-out' }]);
    }
  });
}
