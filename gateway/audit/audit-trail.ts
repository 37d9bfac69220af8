import { createHash } from 'node:crypto';
import { inTransaction, type Db, type Tx } from '../platform/db.ts';
import { insertAuditEvent, lockChainEnd, type AuditEvent } from './audit-store.ts';

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
 * Appends events to the hash-chained trail inside the caller's transaction. Call it last in
 * the transaction: the chain lock is held until commit.
 */
export async function appendAuditEvents(tx: Tx, actor: Actor, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  if (inputs.length === 0) return [];
  const last = await lockChainEnd(tx);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? genesisHash;
  const written: AuditEvent[] = [];
  for (const input of inputs) {
    seq += 1;
    const body = {
      seq,
      at: new Date().toISOString(),
      actorId: actor.id,
      actorName: actor.name,
      action: input.action,
      letterId: input.letterId ?? null,
      sorId: input.sorId ?? null,
      details: input.details ?? {},
    };
    const event = { ...body, prevHash, hash: eventHash(prevHash, body) };
    await insertAuditEvent(tx, event);
    written.push(event);
    prevHash = event.hash;
  }
  return written;
}

/** Appends events in a transaction of their own, for what happens outside any other change (a read, a warning shown). */
export async function recordAuditEvents(db: Db, actor: Actor, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  return inTransaction(db, (tx) => appendAuditEvents(tx, actor, inputs));
}
