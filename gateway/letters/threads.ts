import type { ApiClient } from '../clients/client-store.ts';
import type { Vault } from '../platform/crypto.ts';
import type { Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { activityOf } from './follow-ups.ts';
import { lettersInThread } from './letter-store.ts';
import { forwardsOf } from '../audit/audit-store.ts';

export interface ThreadLetter {
  id: string;
  activity: string;
  status: string;
  senderSorId: string;
  recipientSorId: string;
  createdAt: string;
  /** Letters that forwarded this one: each starts a thread of its own. */
  forwardedAs: string[];
}

/**
 * `GET /v1/threads/{identifier}`: a conversation's letters in order. Auditors and admins see any
 * thread; a sending system sees a thread it is a party to (it may send for a sender or a
 * recipient of one of its letters), and no other: to everyone else it does not exist.
 */
export async function threadOf(
  deps: { db: Queryable; vault: Vault },
  client: ApiClient,
  identifier: string,
): Promise<{ identifier: string; letters: ThreadLetter[] }> {
  const id = identifier.replace(/^urn:uuid:/, '').toLowerCase();
  const letters = /^[0-9a-f-]{36}$/.test(id) ? await lettersInThread(deps.db, id) : [];
  const overseer = client.roles.includes('auditor') || client.roles.includes('admin');
  const party = letters.some(
    (letter) => client.senders.includes(letter.senderSorId) || client.senders.includes(letter.recipientSorId),
  );
  if (letters.length === 0 || !(overseer || party)) throw new ProblemError(404, 'thread-not-found', 'Thread not found');
  const forwards = await forwardsOf(
    deps.db,
    letters.map((letter) => letter.id),
  );
  return {
    identifier: id,
    letters: letters.map((letter) => ({
      id: letter.id,
      activity: activityOf(deps, letter),
      status: letter.status,
      senderSorId: letter.senderSorId,
      recipientSorId: letter.recipientSorId,
      createdAt: letter.createdAt,
      forwardedAs: forwards
        .filter((forward) => forward.previousLetterId === letter.id)
        .map((forward) => forward.letterId),
    })),
  };
}
