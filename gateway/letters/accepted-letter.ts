import type { AttachmentDigest } from '../attachments/attachment-checks.ts';
import type { AuditEventInput } from '../audit/audit-trail.ts';
import type { LetterAccepted } from '../../schemas/letter-responses.ts';
import type { ResolvedRouting } from './letter-routing.ts';

/** The 202 answer without its URL, and whether it is the answer to an earlier submission. */
export type AcceptedLetter = Omit<LetterAccepted, 'statusUrl' | 'reroutedFrom'> & { replayed: boolean };

/** What an accepted letter leaves behind besides itself: its events, its outbox message and its answer. */
export interface AcceptedFacts {
  letterId: string;
  routing: ResolvedRouting;
  category: string;
  reroutedFrom?: string | undefined;
  digests: readonly AttachmentDigest[];
}

/** The warnings the client confirmed and the `accepted` event, as the trail records them. */
export function acceptedEvents({
  letterId,
  routing,
  category,
  reroutedFrom,
  digests,
}: AcceptedFacts): AuditEventInput[] {
  const { recipient, sender } = routing;
  return [
    ...routing.warnings.map((warning) => ({
      action: 'warning-acknowledged',
      letterId,
      sorId: recipient.sorId,
      details: { code: warning.code, message: warning.message },
    })),
    {
      action: 'accepted',
      letterId,
      sorId: recipient.sorId,
      details: {
        ...(reroutedFrom ? { reroutedFrom } : {}),
        senderSorId: sender.sorId,
        recipientSorId: recipient.sorId,
        recipientEan: recipient.ean,
        sector: recipient.sector,
        category,
        attachments: digests.map((digest) => ({ size: digest.size, sha256: digest.sha256 })),
      },
    },
  ];
}

/** The LetterQueued message the relay will publish for the letter. */
export function queuedMessageOf(letterId: string, { recipient }: ResolvedRouting): object {
  return {
    letterId,
    sector: recipient.sector,
    recipient: {
      sorId: recipient.sorId,
      ean: recipient.ean,
      ...(recipient.endpoint ? { endpoint: recipient.endpoint } : {}),
    },
    xmlPath: `/v1/messages/${letterId}/xml`,
  };
}

/** The 202 answer; a replay answers as the first submission did. */
export function acceptedAnswer(
  letterId: string,
  { recipient, warnings }: ResolvedRouting,
  replayed: boolean,
): AcceptedLetter {
  return {
    id: letterId,
    status: 'accepted',
    recipient: { sorId: recipient.sorId, ean: recipient.ean, name: recipient.name, sector: recipient.sector },
    warnings: warnings.map(({ code, message }) => ({ code, message })),
    replayed,
  };
}
