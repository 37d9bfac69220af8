import { getMailbox, getMailboxes } from '../../routing/directory.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { LetterQueued } from '../../schemas/queue-messages.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { inTransaction, type Db, type Queryable, type Tx } from '../platform/db.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { failedLetters, getLetterForUpdate, setDeliveryRound } from '../letters/letter-store.ts';
import { hasUnpublished, insertOutbox } from '../letters/outbox-store.ts';
import { latestAttempts } from './delivery-attempt-store.ts';
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

/** The keyset cursor is the last item's (failedAt, letterId), opaque to clients. */
function encodeCursor(letter: DeadLetter): string {
  return Buffer.from(JSON.stringify([letter.failedAt, letter.letterId])).toString('base64url');
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
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const found = await failedLetters(q, { sector: options.sector, after, limit: options.limit + 1 });
  const letters = found.slice(0, options.limit);
  const [attempts, mailboxes] = await Promise.all([
    latestAttempts(q, letters),
    getMailboxes(
      q,
      letters.map((letter) => letter.recipientSorId),
    ),
  ]);
  const items = letters.map((letter): DeadLetter => {
    const { attempts: count, last } = attempts.get(letter.id) ?? { attempts: 0, last: undefined };
    const mailbox = mailboxes.get(letter.recipientSorId);
    return {
      letterId: letter.id,
      sector: letter.sector,
      category: letter.category,
      sender: { sorId: letter.senderSorId },
      recipient: {
        sorId: letter.recipientSorId,
        ean: letter.recipientEan,
        name: mailbox ? (mailbox.displayName ?? mailbox.name) : null,
      },
      deliveryRound: letter.deliveryRound,
      attempts: count,
      lastError: last
        ? {
            attempt: last.attempt,
            endpoint: last.endpoint,
            httpStatus: last.httpStatus,
            error: last.error,
            at: last.at,
          }
        : null,
      acceptedAt: letter.createdAt,
      failedAt: letter.failedAt,
    };
  });
  return { items, ...(found.length > options.limit ? { next: encodeCursor(items[items.length - 1]!) } : {}) };
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
export async function replayDeadLetter(db: Db, letterId: string, actor: Actor): Promise<Replay> {
  return inTransaction(db, (tx) => requeueFailedLetter(tx, letterId, actor));
}

async function requeueFailedLetter(tx: Tx, letterId: string, actor: Actor): Promise<Replay> {
  const letter = /^[0-9a-f-]{36}$/i.test(letterId) ? await getLetterForUpdate(tx, letterId) : undefined;
  if (!letter) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
  if (letter.status !== 'failed') {
    throw new ProblemError(
      409,
      'letter-not-failed',
      'Only a failed letter can be replayed',
      `The letter is ${letter.status}.`,
    );
  }
  if (await hasUnpublished(tx, letterId)) {
    throw new ProblemError(
      409,
      'replay-pending',
      'The letter is already being replayed',
      'Its replay waits for the outbox relay.',
    );
  }
  const mailbox = await getMailbox(tx, letter.recipientSorId);
  const payload: LetterQueued = {
    letterId,
    sector: letter.sector,
    recipient: {
      sorId: letter.recipientSorId,
      ean: letter.recipientEan,
      ...(mailbox?.endpoint ? { endpoint: mailbox.endpoint } : {}),
    },
    xmlPath: `/v1/messages/${letterId}/xml`,
  };
  const deliveryRound = letter.deliveryRound + 1;
  await setDeliveryRound(tx, letterId, deliveryRound);
  await insertOutbox(tx, letterId, letter.sector, payload);
  await appendAuditEvents(tx, actor, [
    { action: 'replayed', letterId, sorId: letter.recipientSorId, details: { sector: letter.sector, deliveryRound } },
  ]);
  await moveLetter(tx, letterId, 'queued', actor, { sector: letter.sector, deliveryRound });
  return { letterId, sector: letter.sector, deliveryRound };
}
