import { getMailboxes } from '../../routing/directory.ts';
import { letterEvents } from './audit-trail.ts';
import { presentEvent } from './audit-query.ts';
import { maskCprsInText } from './audit-redaction.ts';
import type { Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * One letter's whole story for an auditor: who sent it for which organisation to whom, every
 * audit event in order, each delivery attempt the adapter made, any misroute reports, and the
 * letters it was rerouted from or to with their own events. Metadata only: no text, no XML.
 */

interface LetterSummaryRow {
  id: string;
  client_id: string;
  client_name: string;
  sender_sor_id: string;
  recipient_sor_id: string;
  recipient_ean: string;
  sector: string;
  category: string;
  status: string;
  rerouted_from: string | null;
  created_at: Date;
  updated_at: Date;
  purged_at: Date | null;
}

async function letterSummary(q: Queryable, letterId: string) {
  const result = await q.query<LetterSummaryRow>(
    `SELECT l.id, l.client_id, c.name AS client_name, l.sender_sor_id, l.recipient_sor_id, l.recipient_ean, l.sector,
       l.category, l.status, l.rerouted_from, l.created_at, l.updated_at, l.purged_at
     FROM letters l JOIN api_clients c ON c.id = l.client_id WHERE l.id = $1`,
    [letterId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const mailboxes = await getMailboxes(q, [row.sender_sor_id, row.recipient_sor_id]);
  const nameOf = (sorId: string) => {
    const mailbox = mailboxes.get(sorId);
    return mailbox?.displayName ?? mailbox?.name ?? null;
  };
  return {
    id: row.id,
    status: row.status,
    category: row.category,
    submittedBy: { clientId: row.client_id, name: row.client_name },
    sender: { sorId: row.sender_sor_id, name: nameOf(row.sender_sor_id) },
    recipient: {
      sorId: row.recipient_sor_id,
      ean: row.recipient_ean,
      name: nameOf(row.recipient_sor_id),
      sector: row.sector,
    },
    reroutedFrom: row.rerouted_from,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    purgedAt: row.purged_at?.toISOString() ?? null,
  };
}

async function deliveryAttempts(q: Queryable, letterId: string) {
  const result = await q.query<{
    attempt: number;
    endpoint: string;
    outcome: string;
    http_status: number | null;
    duration_ms: number | null;
    error: string | null;
    at: Date;
  }>(
    `SELECT attempt, endpoint, outcome, http_status, duration_ms, error, at FROM delivery_attempts
     WHERE letter_id = $1 ORDER BY attempt, id`,
    [letterId],
  );
  return result.rows.map((row) => ({
    attempt: row.attempt,
    endpoint: row.endpoint,
    outcome: row.outcome,
    httpStatus: row.http_status,
    durationMs: row.duration_ms,
    error: row.error === null ? null : maskCprsInText(row.error),
    at: row.at.toISOString(),
  }));
}

async function misrouteRecords(q: Queryable, letterId: string) {
  const result = await q.query<{
    id: string;
    source: string;
    reported_by: string | null;
    reporter_name: string | null;
    reported_at: Date;
    note: string | null;
    correct_sor_id: string | null;
    rerouted_to: string | null;
  }>(
    `SELECT m.id, m.source, m.reported_by, c.name AS reporter_name, m.reported_at, m.note, m.correct_sor_id, m.rerouted_to
     FROM misroutes m LEFT JOIN api_clients c ON c.id = m.reported_by WHERE m.letter_id = $1 ORDER BY m.reported_at, m.id`,
    [letterId],
  );
  return result.rows.map((row) => ({
    id: row.id,
    source: row.source,
    reportedBy: row.reported_by === null ? null : { clientId: row.reported_by, name: row.reporter_name },
    reportedAt: row.reported_at.toISOString(),
    note: row.note === null ? null : maskCprsInText(row.note),
    correctSorId: row.correct_sor_id,
    reroutedTo: row.rerouted_to,
  }));
}

/** Letters made from this one by a reroute, whichever side recorded the link. */
async function reroutedTo(q: Queryable, letterId: string): Promise<string[]> {
  const result = await q.query<{ id: string }>(
    `SELECT id FROM letters WHERE rerouted_from = $1
     UNION SELECT rerouted_to FROM misroutes WHERE letter_id = $1 AND rerouted_to IS NOT NULL
     ORDER BY 1`,
    [letterId],
  );
  return result.rows.map((row) => row.id);
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
