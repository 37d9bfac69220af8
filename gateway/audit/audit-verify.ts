import type { AuditVerifyResult } from '../../schemas/audit.ts';
import { createHash } from 'node:crypto';
import { canonicalJson, eventHash, genesisHash, type AuditEvent } from './audit-trail.ts';
import type { Queryable } from '../platform/db.ts';
import { eventTuples, hashAt, seqBound, type EventTuple } from './audit-store.ts';

export type BreakReason = 'missing' | 'prev-hash-mismatch' | 'hash-mismatch';

/** canonicalJson of gateway/audit/audit-trail.ts for values read back from JSON: the same text, fewer allocations. */
function canonicalValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalValue(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  out = '{';
  let first = true;
  // The default sort compares UTF-16 code units, as canonicalJson's `<` does.
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalValue(record[key])}`;
    first = false;
  }
  return `${out}}`;
}

type EventBody = Omit<AuditEvent, 'hash' | 'prevHash'>;

/** The body's keys in canonical order, written out: most of verify's time is spent here. */
export const canonicalBody = (body: EventBody): string =>
  `{"action":${JSON.stringify(body.action)},"actorId":${JSON.stringify(body.actorId)},"actorName":${JSON.stringify(body.actorName)},` +
  `"at":${JSON.stringify(body.at)},"details":${canonicalValue(body.details)},"letterId":${JSON.stringify(body.letterId)},` +
  `"seq":${JSON.stringify(body.seq)},"sorId":${JSON.stringify(body.sorId)}}`;

/**
 * Walks the chain one event at a time, in `seq` order: each event must follow its predecessor
 * without a gap, name its hash as `prevHash`, and hash to its own `hash` (gateway/audit/audit-trail.ts).
 * A gap shows a deleted event; a wrong hash an edited one; swapped rows fail both, as `seq` is
 * part of what is hashed.
 */
export class ChainVerifier {
  checked = 0;
  #expectedSeq: number;
  #prevHash: string;
  // The fast serialiser proves itself on the first event; should the writer's event shape ever
  // change, verify falls back to the writer's own canonicalJson instead of crying tamper.
  #serialise: (body: EventBody) => string = canonicalBody;
  #calibrated = false;

  constructor(firstSeq = 1, prevHash = genesisHash) {
    this.#expectedSeq = firstSeq;
    this.#prevHash = prevHash;
  }

  get lastSeq(): number {
    return this.#expectedSeq - 1;
  }

  get lastHash(): string {
    return this.#prevHash;
  }

  /** Checks the next event; answers where and why the chain breaks, if it does. */
  check(event: AuditEvent): { seq: number; reason: BreakReason } | undefined {
    if (event.seq !== this.#expectedSeq) return { seq: this.#expectedSeq, reason: 'missing' };
    if (event.prevHash !== this.#prevHash) return { seq: event.seq, reason: 'prev-hash-mismatch' };
    const { hash, prevHash, ...body } = event;
    if (!this.#calibrated) {
      this.#calibrated = true;
      if (canonicalBody(body) !== canonicalJson(body)) this.#serialise = canonicalJson;
    }
    const computed = createHash('sha256').update(prevHash).update(this.#serialise(body)).digest('hex');
    // A mismatch is confirmed with the writer's own function before it is reported.
    if (computed !== hash && eventHash(prevHash, body) !== hash) return { seq: event.seq, reason: 'hash-mismatch' };
    this.checked += 1;
    this.#expectedSeq += 1;
    this.#prevHash = hash;
    return undefined;
  }
}

/** The part of the trail to check: sequence numbers (inclusive) or times (`to` exclusive). */
export interface VerifyRange {
  from?: number | Date;
  to?: number | Date;
}

export interface VerifyOptions {
  /** Rows per round trip; memory stays bounded by about two batches. */
  batchSize?: number;
}

const fromTuple = (row: EventTuple): AuditEvent => ({
  seq: Number(row[0]),
  at: row[1],
  actorId: row[2],
  actorName: row[3],
  action: row[4],
  letterId: row[5],
  sorId: row[6],
  details: row[7],
  prevHash: row[8],
  hash: row[9],
});

async function resolveSeq(
  q: Queryable,
  bound: number | Date | undefined,
  end: 'from' | 'to',
): Promise<number | undefined> {
  if (bound === undefined) {
    if (end === 'from') return 1;
    return (await seqBound(q)) ?? 0;
  }
  if (typeof bound === 'number') return bound;
  return seqBound(q, end === 'from' ? { atOrAfter: bound } : { before: bound });
}

/**
 * Recomputes the chain over `range`, reading it in batches by `seq` (the next batch is already
 * on its way while the current one is hashed). Events appended while it runs are left for the
 * next check: the end is fixed when it starts.
 */
export async function verifyAuditChain(
  q: Queryable,
  range: VerifyRange = {},
  options: VerifyOptions = {},
): Promise<AuditVerifyResult> {
  const batchSize = options.batchSize ?? 10_000;
  const firstSeq = await resolveSeq(q, range.from, 'from');
  const lastLive = await resolveSeq(q, undefined, 'to');
  const requestedEnd = await resolveSeq(q, range.to, 'to');
  const endSeq = Math.min(requestedEnd ?? 0, lastLive ?? 0);
  if (firstSeq === undefined || firstSeq > endSeq) return { ok: true, checked: 0 };

  let anchor = genesisHash;
  if (firstSeq > 1) {
    const before = await hashAt(q, firstSeq - 1);
    if (!before) return { ok: false, checked: 0, firstBrokenSeq: firstSeq - 1, reason: 'missing' };
    anchor = before;
  }
  const verifier = new ChainVerifier(firstSeq, anchor);
  const fetchFrom = (seq: number) => eventTuples(q, seq, endSeq, batchSize);

  let pending = fetchFrom(firstSeq);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) break;
    const lastInBatch = Number(rows[rows.length - 1]![0]);
    pending = fetchFrom(lastInBatch + 1);
    for (const row of rows) {
      const broken = verifier.check(fromTuple(row));
      if (broken) {
        // Let the prefetched batch land before answering, so no query is left running on `q`.
        await pending.catch(() => undefined);
        return { ok: false, checked: verifier.checked, firstBrokenSeq: broken.seq, reason: broken.reason };
      }
    }
  }
  // Rows at the end of the range may be gone (deleted after `endSeq` was read, or never there).
  if (verifier.lastSeq < endSeq) {
    return { ok: false, checked: verifier.checked, firstBrokenSeq: verifier.lastSeq + 1, reason: 'missing' };
  }
  return { ok: true, checked: verifier.checked, lastSeq: verifier.lastSeq, lastHash: verifier.lastHash };
}

/** `from`/`to` of the API and CLI: digits are a sequence number, anything else a time. */
export function parseVerifyBound(text: string | undefined): number | Date | undefined {
  if (text === undefined) return undefined;
  if (/^[0-9]+$/.test(text)) return Number(text);
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new RangeError(`not a sequence number or a time: ${text}`);
  return time;
}
