import { getMailboxes } from '../../routing/directory.ts';
import { coarseDeliveryFailure } from './delivery-outcome.ts';
import { clientNames } from '../clients/client-store.ts';
import { deliveryAttemptsOf } from '../delivery/delivery-attempt-store.ts';
import { getLetter, lettersReroutedFrom } from '../letters/letter-store.ts';
import { misrouteRecordsOf, misroutesOf } from '../misroutes/misroute-store.ts';
import { letterEvents } from './audit-store.ts';
import { presentEvent } from './audit-query.ts';
import { maskCprsInText } from './audit-redaction.ts';
import type { Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * One letter's whole story for an auditor: who sent it for which organisation to whom, every
 * audit event in order, each delivery attempt the adapter made, any misroute reports, and the
 * letters it was rerouted from or to with their own events. Metadata only: no text, no XML.
 */

async function letterSummary(q: Queryable, letterId: string) {
  const letter = await getLetter(q, letterId);
  if (!letter) return undefined;
  const [mailboxes, clients] = await Promise.all([
    getMailboxes(q, [letter.senderSorId, letter.recipientSorId]),
    clientNames(q, [letter.clientId]),
  ]);
  const nameOf = (sorId: string) => {
    const mailbox = mailboxes.get(sorId);
    return mailbox?.displayName ?? mailbox?.name ?? null;
  };
  const iso = (at: string) => new Date(at).toISOString();
  return {
    id: letter.id,
    status: letter.status,
    category: letter.category,
    submittedBy: { clientId: letter.clientId, name: clients.get(letter.clientId) ?? null },
    sender: { sorId: letter.senderSorId, name: nameOf(letter.senderSorId) },
    recipient: {
      sorId: letter.recipientSorId,
      ean: letter.recipientEan,
      name: nameOf(letter.recipientSorId),
      sector: letter.sector,
    },
    reroutedFrom: letter.reroutedFrom,
    createdAt: iso(letter.createdAt),
    updatedAt: iso(letter.updatedAt),
    purgedAt: letter.purgedAt === null ? null : iso(letter.purgedAt),
  };
}

async function deliveryAttempts(q: Queryable, letterId: string) {
  const attempts = await deliveryAttemptsOf(q, letterId);
  return attempts.map((attempt) => ({
    attempt: attempt.attempt,
    // Not where, nor the adapter's reason: hosts, ports and DNS or TLS errors map the network (operator data).
    outcome: attempt.outcome,
    failure: attempt.outcome === 'delivered' ? null : coarseDeliveryFailure(attempt.error, attempt.httpStatus),
    httpStatus: attempt.httpStatus,
    durationMs: attempt.durationMs,
    at: new Date(attempt.at).toISOString(),
  }));
}

async function misrouteRecords(q: Queryable, letterId: string) {
  const records = await misrouteRecordsOf(q, letterId);
  const reporters = await clientNames(
    q,
    records.flatMap((record) => (record.reportedBy ? [record.reportedBy] : [])),
  );
  return records.map((record) => ({
    id: record.id,
    source: record.source,
    reportedBy:
      record.reportedBy === null
        ? null
        : { clientId: record.reportedBy, name: reporters.get(record.reportedBy) ?? null },
    reportedAt: record.reportedAt.toISOString(),
    note: record.note === null ? null : maskCprsInText(record.note),
    correctSorId: record.correctSorId,
    reroutedTo: record.reroutedTo,
  }));
}

/** Letters made from this one by a reroute, whichever side recorded the link. */
async function reroutedTo(q: Queryable, letterId: string): Promise<string[]> {
  const [fromLetters, fromReports] = await Promise.all([lettersReroutedFrom(q, [letterId]), misroutesOf(q, letterId)]);
  const ids = new Set([
    ...(fromLetters.get(letterId) ?? []),
    ...fromReports.flatMap((report) => (report.reroutedTo ? [report.reroutedTo] : [])),
  ]);
  return [...ids].sort();
}

async function story(q: Queryable, letterId: string) {
  const letter = await letterSummary(q, letterId);
  if (!letter) return undefined;
  const [events, attempts, misroutes, successors] = await Promise.all([
    letterEvents(q, letterId),
    deliveryAttempts(q, letterId),
    misrouteRecords(q, letterId),
    reroutedTo(q, letterId),
  ]);
  return {
    letter: { ...letter, reroutedTo: successors },
    events: events.map(presentEvent),
    deliveryAttempts: attempts,
    misroutes,
  };
}

export type LetterStory = NonNullable<Awaited<ReturnType<typeof story>>>;

export interface LetterTrace extends LetterStory {
  /** The letters linked by a reroute, one step either way, each with its own story. */
  reroutes: { from: LetterStory | null; to: LetterStory[] };
}

export async function letterTrace(q: Queryable, letterId: string): Promise<LetterTrace> {
  const own = /^[0-9a-f-]{36}$/i.test(letterId) ? await story(q, letterId) : undefined;
  if (!own) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
  const from = own.letter.reroutedFrom ? ((await story(q, own.letter.reroutedFrom)) ?? null) : null;
  const to: LetterStory[] = [];
  for (const id of own.letter.reroutedTo) {
    const next = await story(q, id);
    if (next) to.push(next);
  }
  return { ...own, reroutes: { from, to } };
}
