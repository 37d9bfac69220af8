import { getMailboxes } from '../../routing/directory.ts';
import type { LetterEvents, LetterStatusResponse } from '../../schemas/letter-responses.ts';
import { getAttachments } from '../attachments/attachment-store.ts';
import { maskCprs, maskCprsInText } from '../audit/audit-redaction.ts';
import { letterEvents } from '../audit/audit-store.ts';
import { coarseDeliveryDetails } from '../audit/delivery-outcome.ts';
import { sealAuditTrail } from '../audit/audit-sealer.ts';
import type { ApiClient } from '../clients/client-store.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { latestAcknowledgement } from './acknowledgement-store.ts';
import { visibleLetter } from './letter-access.ts';

/** A letter's status as its sender (or an auditor, admin or adapter) sees it. */
export async function letterStatus(q: Queryable, client: ApiClient, letterId: string): Promise<LetterStatusResponse> {
  const letter = await visibleLetter(q, client, letterId, ['auditor', 'admin', 'adapter']);
  const [mailboxes, attachments, acknowledgement] = await Promise.all([
    getMailboxes(q, [letter.senderSorId, letter.recipientSorId]),
    getAttachments(q, letter.id),
    latestAcknowledgement(q, letter.id),
  ]);
  const sender = mailboxes.get(letter.senderSorId);
  const recipient = mailboxes.get(letter.recipientSorId);
  return {
    id: letter.id,
    status: letter.status,
    category: letter.category,
    // The official SOR name, never a short display name alone: a bare "Socialpsykiatri" is
    // exactly the ambiguity that misroutes letters.
    sender: { sorId: letter.senderSorId, name: sender?.name ?? null, displayName: sender?.displayName ?? null },
    recipient: {
      sorId: letter.recipientSorId,
      ean: letter.recipientEan,
      name: recipient?.name ?? null,
      displayName: recipient?.displayName ?? null,
      sector: letter.sector,
    },
    attachments: attachments.map(({ title, contentType, size, sha256 }) => ({ title, contentType, size, sha256 })),
    ...(letter.reroutedFrom ? { reroutedFrom: letter.reroutedFrom } : {}),
    // The receiving system's latest answer, with MedCom's code and issue texts as it gave them.
    ...(acknowledgement
      ? {
          acknowledgement: {
            code: acknowledgement.code,
            acknowledgementId: acknowledgement.messageHeaderId,
            receivedAt: acknowledgement.receivedAt,
            issues: maskCprs(acknowledgement.issues).value,
          },
        }
      : {}),
    createdAt: letter.createdAt,
    updatedAt: letter.updatedAt,
  };
}

/** A letter's audit trail as its sender may see it: what happened and by whom, without hashes. */
export async function letterEventsFor(db: Db, client: ApiClient, letterId: string): Promise<LetterEvents> {
  const letter = await visibleLetter(db, client, letterId, ['auditor', 'admin']);
  // The sender sees every event so far, the last one too, each with its place in the chain.
  await sealAuditTrail(db);
  const events = await letterEvents(db, letter.id);
  const operator = client.roles.includes('admin');
  return {
    letterId: letter.id,
    // Details hold clerks' free text (acknowledgement and misroute notes): CPR numbers in it are masked for every reader.
    events: events.map(({ seq, at, action, actorName, details }) => {
      const masked = maskCprs(details).value;
      return {
        seq,
        at,
        action,
        actor: maskCprsInText(actorName),
        // Delivery reasons name hosts, ports and DNS or TLS errors: operators only.
        details: operator ? masked : coarseDeliveryDetails(masked).value,
      };
    }),
  };
}
