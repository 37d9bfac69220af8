import { createHash } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { insertUnsealedEvents, type AuditEvent, type UnsealedEvent } from './audit-store.ts';

export interface Actor {
  id: string | null;
  name: string;
}

export const systemActor: Actor = { id: null, name: 'postbud' };

/** The API client that did something, as the trail names it. */
export const actorOf = (client: { id: string; name: string }): Actor => ({ id: client.id, name: client.name });

export interface AuditEventInput {
  action: string;
  letterId?: string;
  sorId?: string;
  details?: Record<string, unknown>;
}

export type { AuditEvent };

export const genesisHash = '0'.repeat(64);

/** JSON with keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function eventHash(prevHash: string, event: Omit<AuditEvent, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(event)).digest('hex');
}

/**
 * Appends events to the trail inside the caller's transaction (or on their own). They are written
 * unsealed and take no lock, so transactions that record events never wait for each other; the
 * sealer (audit-sealer.ts) gives them their `seq` and hash once they have committed.
 */
export async function appendAuditEvents(q: Queryable, actor: Actor, inputs: AuditEventInput[]): Promise<void> {
  await insertUnsealedEvents(q, unsealedEventsOf(actor, inputs));
}

/** The events as the trail writes them: one time for all, in their order. */
export function unsealedEventsOf(actor: Actor, inputs: AuditEventInput[]): UnsealedEvent[] {
  const at = new Date().toISOString();
  return inputs.map((input) => ({
    at,
    actorId: actor.id,
    actorName: actor.name,
    action: input.action,
    letterId: input.letterId ?? null,
    sorId: input.sorId ?? null,
    details: input.details ?? {},
  }));
}

/** Appends events outside any other change (a read, a warning shown): one statement, its own transaction. */
export const recordAuditEvents = appendAuditEvents;
