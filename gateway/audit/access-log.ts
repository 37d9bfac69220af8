import type { AccessEventsSearch, AccessEventsAnswer } from '../../schemas/access-events.ts';
import type { Vault } from '../platform/crypto.ts';
import type { Queryable } from '../platform/db.ts';
import type { Logger } from '../platform/log.ts';
import { isValidCpr } from '../medcom/cpr.ts';
import { ProblemError } from '../platform/problem.ts';
import { insertAccessEvents, selectAccessEvents } from './access-event-store.ts';

/** Who is reading, as the access log names them: the client, its address and the request. */
export interface Reader {
  clientId: string;
  remoteAddress: string;
  requestId: string;
}

/** One read of patient data: what was read, and of which letter or patient (by CPR hash). */
export interface PatientRead {
  action: AccessAction;
  letterId?: string;
  cprHmac?: string;
}

export type AccessAction =
  | 'letter.status'
  | 'letter.xml'
  | 'letter.events'
  | 'letter.thread'
  | 'letter.acknowledgement'
  | 'audit.search'
  | 'audit.search-by-cpr'
  | 'audit.export'
  | 'audit.trace'
  | 'audit.access-log'
  | 'console.view';

export const maxAccessEvents = 1000;

/**
 * Records reads before their answer leaves. A read that cannot be recorded is not answered:
 * the caller gets 503, so the log never misses a read that happened.
 */
export async function recordAccess(
  deps: { db: Queryable; log?: Logger },
  reader: Reader,
  reads: readonly PatientRead[],
): Promise<void> {
  try {
    await insertAccessEvents(
      deps.db,
      reads.map((read) => ({
        clientId: reader.clientId,
        action: read.action,
        letterId: read.letterId ?? null,
        cprHmac: read.cprHmac ?? null,
        remoteAddress: reader.remoteAddress,
        requestId: reader.requestId,
      })),
    );
  } catch (error) {
    deps.log?.error({ err: { code: (error as { code?: unknown }).code } }, 'access event not recorded');
    throw new ProblemError(
      503,
      'access-log-unavailable',
      'The read could not be recorded',
      'Reads of patient data are answered only once they are in the access log; retry shortly.',
      { retryAfterSeconds: 5 },
    );
  }
}

/** `POST /v1/audit/access-events/search` and the console's "who looked at this patient". */
export async function searchAccessEvents(
  db: Queryable,
  vault: Vault,
  search: AccessEventsSearch,
): Promise<AccessEventsAnswer> {
  if (search.cpr !== undefined && !isValidCpr(search.cpr))
    throw new ProblemError(
      422,
      'cpr-invalid',
      'Invalid CPR number',
      'The first six digits of the CPR number must be a valid date (DDMMYY).',
    );
  const cprHmac = search.cpr === undefined ? undefined : vault.cprHmac(search.cpr);
  const rows = await selectAccessEvents(db, {
    ...(cprHmac ? { cprHmac } : {}),
    ...(search.letterId ? { letterId: search.letterId.toLowerCase() } : {}),
    ...(search.from ? { from: new Date(search.from) } : {}),
    ...(search.to ? { to: new Date(search.to) } : {}),
    limit: maxAccessEvents,
  });
  return {
    items: rows.map((row) => ({
      at: row.at,
      clientId: row.clientId,
      clientName: row.clientName,
      action: row.action,
      ...(row.letterId ? { letterId: row.letterId } : {}),
      ...(row.cprHmac ? { cprHash: row.cprHmac } : {}),
      remoteAddress: row.remoteAddress,
    })),
  };
}
