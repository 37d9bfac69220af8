import { getMailbox } from '../../routing/directory.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { LetterQueued } from '../../schemas/queue-messages.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import type { Queryable, Tx } from '../platform/db.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { insertOutbox } from '../letters/letter-store.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * Letters whose delivery failed (status `failed`: retries exhausted and dead-lettered by the
 * adapter, or refused outright by the receiver), and their replay once the endpoint is fixed.
 */

export interface DeadLetter {
  letterId: string;
  sector: Sector;
  category: string;
  sender: { sorId: string };
  recipient: { sorId: string; ean: string; name: string | null };
  deliveryRound: number;
  /** Attempts of the latest delivery round. */
  attempts: number;
  lastError: { attempt: number; endpoint: string; httpStatus: number | null; error: string | null; at: string } | null;
  acceptedAt: string;
  failedAt: string;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Cursor for the next (older) page; absent on the last page. */
  next?: string;
}

interface DeadLetterRow {
  letter_id: string;
  sector: Sector;
  category: string;
  sender_sor_id: string;
  recipient_sor_id: string;
  recipient_ean: string;
  recipient_name: string | null;
  delivery_round: number;
  attempts: number | null;
  last_attempt: number | null;
  last_endpoint: string | null;
  last_http_status: number | null;
  last_error: string | null;
  last_at: string | null;
  accepted_at: string;
  failed_at: string;
}

/** The keyset cursor is the last item's (failedAt, letterId), opaque to clients. */
function encodeCursor(row: DeadLetterRow): string {
  return Buffer.from(JSON.stringify([row.failed_at, row.letter_id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id)
    )
      return [at, id];
  } catch {
    // Falls through to the refusal below.
  }
  throw new ProblemError(
    400,
    'cursor-invalid',
    'Invalid cursor',
    'Use the `next` value of the previous page unchanged.',
  );
}

export async function listDeadLetters(
  q: Queryable,
  options: { limit: number; sector?: Sector | undefined; cursor?: string | undefined },
): Promise<DeadLetterPage> {
  const [afterAt, afterId] = options.cursor ? decodeCursor(options.cursor) : [null, null];
  const result = await q.query<DeadLetterRow>(
    `SELECT l.id AS letter_id, l.sector, l.category, l.sender_sor_id, l.recipient_sor_id, l.recipient_ean,
       coalesce(m.display_name, m.name) AS recipient_name, l.delivery_round,
       (SELECT max(d.attempt) FROM delivery_attempts d WHERE d.letter_id = l.id AND d.round = l.delivery_round)::int AS attempts,
       last.attempt AS last_attempt, last.endpoint AS last_endpoint, last.http_status AS last_http_status,
       last.error AS last_error, to_json(last.at) #>> '{}' AS last_at,
       to_json(l.created_at) #>> '{}' AS accepted_at, to_json(l.updated_at) #>> '{}' AS failed_at
     FROM letters l
     LEFT JOIN mailboxes m ON m.sor_id = l.recipient_sor_id
     LEFT JOIN LATERAL (
       SELECT d.attempt, d.endpoint, d.http_status, d.error, d.at FROM delivery_attempts d
       WHERE d.letter_id = l.id ORDER BY d.round DESC, d.attempt DESC, d.id DESC LIMIT 1
     ) last ON true
     WHERE l.status = 'failed' AND ($1::text IS NULL OR l.sector = $1)
       AND ($2::timestamptz IS NULL OR (l.updated_at, l.id) < ($2::timestamptz, $3::uuid))
     ORDER BY l.updated_at DESC, l.id DESC
     LIMIT $4`,
    [options.sector ?? null, afterAt, afterId, options.limit + 1],
  );
  const rows = result.rows.slice(0, options.limit);
  return {
    items: rows.map((row) => ({
      letterId: row.letter_id,
      sector: row.sector,
      category: row.category,
      sender: { sorId: row.sender_sor_id },
      recipient: { sorId: row.recipient_sor_id, ean: row.recipient_ean, name: row.recipient_name },
      deliveryRound: row.delivery_round,
      attempts: row.attempts ?? 0,
      lastError:
        row.last_attempt === null
          ? null
          : {
              attempt: row.last_attempt,
              endpoint: row.last_endpoint!,
              httpStatus: row.last_http_status,
              error: row.last_error,
              at: row.last_at!,
            },
      acceptedAt: row.accepted_at,
      failedAt: row.failed_at,
    })),
    ...(result.rows.length > options.limit ? { next: encodeCursor(rows[rows.length - 1]!) } : {}),
  };
}

export interface Replay {
  letterId: string;
  sector: Sector;
  deliveryRound: number;
}

/**
 * Re-queues one failed letter in the caller's transaction: a new outbox row (with the
 * recipient's current endpoint, which is usually what was fixed), a `replayed` event, and the
 * move failed → queued. The move is made here rather than by the outbox relay: adapters ask the
 * gateway for a letter's status before delivering and skip `failed` ones, so a letter still
 * `failed` between the relay's publish and its commit would be dropped. Once queued, a second
 * replay is refused, so the letter is never queued twice; the relay's own `queued` is a no-op.
 */
export async function replayDeadLetter(tx: Tx, letterId: string, actor: Actor): Promise<Replay> {
  const found = /^[0-9a-f-]{36}$/i.test(letterId)
    ? await tx.query<{
        status: string;
        sector: Sector;
        recipient_sor_id: string;
        recipient_ean: string;
        delivery_round: number;
      }>(
        'SELECT status, sector, recipient_sor_id, recipient_ean, delivery_round FROM letters WHERE id = $1 FOR UPDATE',
        [letterId],
      )
    : undefined;
  const letter = found?.rows[0];
  if (!letter) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
  if (letter.status !== 'failed') {
    throw new ProblemError(
      409,
      'letter-not-failed',
      'Only a failed letter can be replayed',
      `The letter is ${letter.status}.`,
    );
  }
  const pending = await tx.query('SELECT 1 FROM outbox WHERE letter_id = $1 AND published_at IS NULL', [letterId]);
  if ((pending.rowCount ?? 0) > 0) {
    throw new ProblemError(
      409,
      'replay-pending',
      'The letter is already being replayed',
      'Its replay waits for the outbox relay.',
    );
  }
  const mailbox = await getMailbox(tx, letter.recipient_sor_id);
  const payload: LetterQueued = {
    letterId,
    sector: letter.sector,
    recipient: {
      sorId: letter.recipient_sor_id,
      ean: letter.recipient_ean,
      ...(mailbox?.endpoint ? { endpoint: mailbox.endpoint } : {}),
    },
    xmlPath: `/v1/messages/${letterId}/xml`,
  };
  const deliveryRound = letter.delivery_round + 1;
  await tx.query('UPDATE letters SET delivery_round = $2 WHERE id = $1', [letterId, deliveryRound]);
  await insertOutbox(tx, letterId, letter.sector, payload);
  await appendAuditEvents(tx, actor, [
    { action: 'replayed', letterId, sorId: letter.recipient_sor_id, details: { sector: letter.sector, deliveryRound } },
  ]);
  await moveLetter(tx, letterId, 'queued', actor, { sector: letter.sector, deliveryRound });
  return { letterId, sector: letter.sector, deliveryRound };
}
