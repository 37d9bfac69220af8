import type { ApiClient, Role } from '../clients/client-store.ts';
import type { Queryable } from '../platform/db.ts';
import { getLetter, type LetterRow } from './letter-store.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * A sender sees a letter it submitted or one sent for an organisation it may send for; the
 * roles in `allRoles` see every letter. Anyone else gets 404, so ids reveal nothing.
 */
export async function visibleLetter(q: Queryable, client: ApiClient, id: string, allRoles: Role[]): Promise<LetterRow> {
  const letter = /^[0-9a-f-]{36}$/i.test(id) ? await getLetter(q, id) : undefined;
  const visible =
    letter &&
    (client.roles.some((role) => allRoles.includes(role)) ||
      (client.roles.includes('sender') &&
        (letter.clientId === client.id || client.senders.includes(letter.senderSorId))));
  if (!letter || !visible) throw new ProblemError(404, 'letter-not-found', 'Letter not found');
  return letter;
}
