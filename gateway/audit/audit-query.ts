import type { AuditEventsQuery, PresentedAuditEvent } from '../../schemas/audit.ts';
import { auditEventsPage, type AuditEvent, type AuditPage } from './audit-store.ts';
import { letterIdsWhere } from '../letters/letter-store.ts';
import { maskCprs, withoutOperatorData } from './audit-redaction.ts';
import { coarseDeliveryDetails } from './delivery-outcome.ts';
import { csvRow, utf8ByteOrderMark } from './audit-csv.ts';
import type { Vault } from '../platform/crypto.ts';
import type { Queryable } from '../platform/db.ts';
import { isValidCpr, maskCpr } from '../medcom/cpr.ts';
import { ProblemError } from '../platform/problem.ts';

/** What an auditor may filter the trail by; every field narrows the answer (AND). */
export interface AuditEventFilter {
  letterId?: string;
  senderSorId?: string;
  recipientSorId?: string;
  sorId?: string;
  /** Keyed hash of a CPR (letters.cpr_hmac): the CPR itself never reaches SQL. */
  cprHmac?: string;
  actions?: string[];
  from?: Date;
  to?: Date;
}

export type { AuditPage };

export const defaultPageSize = 100;

/** A validated date-time, or a date alone, which JavaScript (like schemas/audit.ts) reads as 00:00 UTC. */
export const parseInstant = (text: string): Date => new Date(text);

/** The validated query string as a filter and a page; the CPR is hashed here and dropped. */
export function eventFilterOf(
  query: AuditEventsQuery,
  vault: Vault,
): { filter: AuditEventFilter; page: AuditPage; maskedCpr?: string } {
  if (query.cpr !== undefined && !isValidCpr(query.cpr)) {
    throw new ProblemError(
      422,
      'cpr-invalid',
      'Invalid CPR number',
      'The first six digits of the CPR number must be a valid date (DDMMYY).',
    );
  }
  const filter: AuditEventFilter = {
    ...(query.letterId ? { letterId: query.letterId } : {}),
    ...(query.senderSorId ? { senderSorId: query.senderSorId } : {}),
    ...(query.recipientSorId ? { recipientSorId: query.recipientSorId } : {}),
    ...(query.sorId ? { sorId: query.sorId } : {}),
    ...(query.cpr ? { cprHmac: vault.cprHmac(query.cpr) } : {}),
    ...(query.action ? { actions: query.action.split(',') } : {}),
    ...(query.from ? { from: parseInstant(query.from) } : {}),
    ...(query.to ? { to: parseInstant(query.to) } : {}),
  };
  const page: AuditPage = {
    order: query.order ?? 'desc',
    ...(query.cursor ? { cursor: Number(query.cursor) } : {}),
    limit: Math.min(Number(query.limit ?? defaultPageSize), 1000),
  };
  return { filter, page, ...(query.cpr ? { maskedCpr: maskCpr(query.cpr) } : {}) };
}

/** One page of events matching `filter`, and the cursor of the next page when there is one. */
export async function findAuditEvents(
  q: Queryable,
  filter: AuditEventFilter,
  page: AuditPage,
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const { letterId, senderSorId, recipientSorId, cprHmac, ...conditions } = filter;
  let letterIds = letterId ? [letterId] : undefined;
  if (senderSorId || recipientSorId || cprHmac) {
    const matching = new Set(await letterIdsWhere(q, { senderSorId, recipientSorId, cprHmac }));
    letterIds = letterIds ? letterIds.filter((id) => matching.has(id)) : [...matching];
  }
  const { events, more } = await auditEventsPage(q, { ...conditions, ...(letterIds ? { letterIds } : {}) }, page);
  return { events, nextCursor: more ? String(events.at(-1)!.seq) : null };
}

/** Every matching event, a page at a time, for the CSV export. */
export async function* streamAuditEvents(
  q: Queryable,
  filter: AuditEventFilter,
  page: AuditPage,
): AsyncGenerator<AuditEvent> {
  let cursor = page.cursor;
  for (;;) {
    const { events, nextCursor } = await findAuditEvents(q, filter, {
      ...page,
      ...(cursor === undefined ? {} : { cursor }),
      limit: 1000,
    });
    yield* events;
    if (nextCursor === null) return;
    cursor = Number(nextCursor);
  }
}

/** An event as auditors see it: with its hashes, so they can check the chain themselves. */
export function presentEvent(event: AuditEvent): PresentedAuditEvent {
  const cprsMasked = maskCprs(event.details);
  // Auditors are not operators: mailbox endpoints are left out of what they see.
  const { value: withoutEndpoints, removed } = withoutOperatorData(cprsMasked.value);
  // Nor the network map: a delivery's reason is shown as a coarse outcome.
  const { value: details, changed } = coarseDeliveryDetails(withoutEndpoints);
  const masked = cprsMasked.masked || removed || changed;
  return {
    seq: event.seq,
    at: event.at,
    actor: { id: event.actorId, name: maskCprs(event.actorName).value },
    action: event.action,
    letterId: event.letterId,
    sorId: event.sorId,
    details,
    // A masked event no longer hashes to `hash`; this says why.
    ...(masked ? { detailsMasked: true } : {}),
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

export type PresentedEvent = PresentedAuditEvent;

export const csvColumns = [
  'seq',
  'at',
  'actorId',
  'actorName',
  'action',
  'letterId',
  'sorId',
  'details',
  'prevHash',
  'hash',
] as const;

export function csvValues(event: PresentedEvent): unknown[] {
  return [
    event.seq,
    event.at,
    event.actor.id,
    event.actor.name,
    event.action,
    event.letterId,
    event.sorId,
    event.details,
    event.prevHash,
    event.hash,
  ];
}

/** The CSV download of the API and the console: a header, then every matching event as a row. */
export async function* auditCsvLines(q: Queryable, filter: AuditEventFilter, page: AuditPage): AsyncGenerator<string> {
  yield utf8ByteOrderMark + csvRow(csvColumns);
  for await (const event of streamAuditEvents(q, filter, page)) yield csvRow(csvValues(presentEvent(event)));
}
