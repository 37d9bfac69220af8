import { createHash } from 'node:crypto';
import type { Queryable, Tx } from '../platform/db.ts';

export interface Actor {
  id: string | null;
  name: string;
}

export const systemActor: Actor = { id: null, name: 'postbud' };

export interface AuditEventInput {
  action: string;
  letterId?: string;
  sorId?: string;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  letterId: string | null;
  sorId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const genesisHash = '0'.repeat(64);

// One lock for the whole trail: the chain is a single sequence, so writers take turns for the
// few microseconds between reading the last hash and committing.
const chainLockKey = 0x706f7374627564; // "postbud"

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
  await tx.query('SELECT pg_advisory_xact_lock($1)', [chainLockKey]);
  const last = await tx.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
  );
  let seq = Number(last.rows[0]?.seq ?? 0);
  let prevHash = last.rows[0]?.hash ?? genesisHash;
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
    const hash = eventHash(prevHash, body);
    await tx.query(
      `INSERT INTO audit_events (seq, at, actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        seq,
        body.at,
        body.actorId,
        body.actorName,
        body.action,
        body.letterId,
        body.sorId,
        body.details,
        prevHash,
        hash,
      ],
    );
    written.push({ ...body, prevHash, hash });
    prevHash = hash;
  }
  return written;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  action: string;
  letter_id: string | null;
  sor_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    letterId: row.letter_id,
    sorId: row.sor_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function letterEvents(q: Queryable, letterId: string): Promise<AuditEvent[]> {
  const result = await q.query<AuditRow>('SELECT * FROM audit_events WHERE letter_id = $1 ORDER BY seq', [letterId]);
  return result.rows.map(toAuditEvent);
}
