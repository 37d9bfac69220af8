import type { Sector } from '../../schemas/categories.ts';
import { acknowledgedWarningsOf } from '../audit/audit-store.ts';
import { careCommunicationMessageType } from '../../schemas/categories.ts';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import { getMailboxes } from '../../routing/directory.ts';
import { loadRoutingFacts, type PlacedMailbox } from '../../routing/routing-facts.ts';
import type { Mailbox } from '../../schemas/mailbox.ts';
import { checkRouting, type Finding } from '../../routing/guards.ts';
import { routingKeyFor } from '../../routing/sector-queue.ts';
import type { ApiClient } from '../clients/client-store.ts';
import type { Queryable } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';
import { earlierLettersBetween } from './letter-store.ts';

export interface RoutedParty {
  sorId: string;
  ean: string;
  name: string;
}

export interface ResolvedRouting {
  sender: RoutedParty;
  recipient: RoutedParty & { sector: Sector; endpoint?: string; path: string[] };
  /** Warnings the client acknowledged; each becomes an audit event on the letter. */
  warnings: Finding[];
  /** Warnings not (yet) acknowledged: the letter is held with 409 once its blocking checks passed. */
  unacknowledged: Finding[];
}

export interface RoutingEvaluation {
  recipient: Record<string, unknown> | null;
  blocking: Finding[];
  warnings: Finding[];
}

/** Loads what the guards need from the directory and runs them (DESIGN.md, misroute guards). */
/** What a MedCom message says beyond a JSON letter's fields. */
export interface RoutingClaims {
  claimedRecipientEan?: string;
}

/** The directory's mailbox as the guards and answers show it, without its computed place. */
function withoutPlace({ path: _path, effectiveEan: _effectiveEan, ...mailbox }: PlacedMailbox): Mailbox {
  return mailbox;
}

async function gather(q: Queryable, client: ApiClient, letter: LetterEnvelope, claims: RoutingClaims = {}) {
  const senderSorId = letter.sender.sorId;
  const recipientSorId = letter.recipient.sorId;
  const today = new Date();
  const [facts, earlier] = await Promise.all([
    loadRoutingFacts(q, senderSorId, recipientSorId, { today }),
    earlierLettersBetween(q, senderSorId, recipientSorId),
  ]);
  const { successor, confusableWith } = facts;
  const recipientEan = facts.recipient?.effectiveEan ?? undefined;
  const senderEan = facts.sender?.effectiveEan ?? undefined;
  const path = facts.recipient?.path ?? [];
  const sender = facts.sender && withoutPlace(facts.sender);
  const recipient = facts.recipient && withoutPlace(facts.recipient);
  const findings = checkRouting({
    messageType: careCommunicationMessageType,
    senderSorId,
    recipientSorId,
    allowedSenderSorIds: client.senders,
    ...(sender ? { sender } : {}),
    ...(recipient ? { recipient, recipientEffectiveEan: recipientEan ?? null } : {}),
    ...(successor ? { recipientSuccessor: successor } : {}),
    ...(letter.recipient.expectedName ? { expectedName: letter.recipient.expectedName } : {}),
    ...(letter.patient.municipalityCode ? { patientMunicipalityCode: letter.patient.municipalityCode } : {}),
    ...(claims.claimedRecipientEan ? { claimedRecipientEan: claims.claimedRecipientEan } : {}),
    confusableWith,
    earlierLettersSenderToRecipient: earlier,
    today,
  });
  return { sender, recipient, senderEan, recipientEan, path, findings };
}

/** `POST /v1/messages/preview`: everything the confirm-recipient screen shows, nothing stored. */
export async function evaluateLetterRouting(
  q: Queryable,
  client: ApiClient,
  letter: LetterEnvelope,
): Promise<RoutingEvaluation> {
  const { recipient, recipientEan, path, findings } = await gather(q, client, letter);
  return {
    recipient: recipient
      ? {
          sorId: recipient.sorId,
          ean: recipientEan ?? null,
          name: recipient.name,
          displayName: recipient.displayName,
          sector: recipient.sector,
          municipalityCode: recipient.municipalityCode,
          path,
          acceptsCareCommunication: recipient.accepts.some(
            (type) => type.split(';')[0] === careCommunicationMessageType,
          ),
        }
      : null,
    blocking: findings.blocking,
    warnings: findings.warnings,
  };
}

/**
 * The routing of a letter about to be stored: any blocking finding refuses it (the first one,
 * most important, gives status and code; all are listed). Warnings the client has not
 * acknowledged are returned, not thrown: the letter's other blocking checks (attachments, XML)
 * must answer first, and only then does `assertWarningsAcknowledged` hold it with 409.
 */
export async function resolveLetterRouting(
  q: Queryable,
  client: ApiClient,
  letter: LetterEnvelope,
  claims: RoutingClaims = {},
): Promise<ResolvedRouting> {
  const { sender, recipient, senderEan, recipientEan, path, findings } = await gather(q, client, letter, claims);
  const first = findings.blocking[0];
  if (first) {
    throw new ProblemError(first.status ?? 422, first.code, first.message, undefined, {
      ...first.details,
      blocking: findings.blocking,
    });
  }
  if (!sender || !recipient) throw new ProblemError(422, 'recipient-unknown', 'Recipient unknown');
  if (!senderEan || !recipientEan) {
    throw new ProblemError(
      422,
      'ean-missing',
      'No EAN location number',
      'Sender and recipient need an EAN location number, their own or inherited.',
    );
  }
  const acknowledged = new Set(letter.acknowledgedWarnings ?? []);
  return {
    sender: { sorId: sender.sorId, ean: senderEan, name: sender.name },
    recipient: {
      sorId: recipient.sorId,
      ean: recipientEan,
      name: recipient.name,
      sector: routingKeyFor(recipient),
      ...(recipient.endpoint ? { endpoint: recipient.endpoint } : {}),
      path,
    },
    warnings: findings.warnings,
    unacknowledged: findings.warnings.filter((warning) => !acknowledged.has(warning.code)),
  };
}

/** Holds a letter whose warnings the client has not acknowledged: 409 until it resends their codes. */
export function assertWarningsAcknowledged(routing: ResolvedRouting): void {
  if (routing.unacknowledged.length === 0) return;
  throw new ProblemError(
    409,
    'confirmation-required',
    'The recipient needs confirmation',
    'Show the warnings to the user and resend with their codes in `acknowledgedWarnings`.',
    {
      warnings: routing.unacknowledged,
      sender: { sorId: routing.sender.sorId },
      recipient: { sorId: routing.recipient.sorId },
    },
  );
}

/** The routing a stored letter was accepted with, for answering an idempotent replay. */
export async function storedRouting(
  q: Queryable,
  letter: { id: string; senderSorId: string; recipientSorId: string; recipientEan: string; sector: Sector },
): Promise<ResolvedRouting> {
  const [found, acknowledged] = await Promise.all([
    getMailboxes(q, [letter.senderSorId, letter.recipientSorId]),
    acknowledgedWarningsOf(q, letter.id),
  ]);
  const nameOf = (sorId: string) => found.get(sorId)?.name ?? sorId;
  return {
    sender: { sorId: letter.senderSorId, ean: '', name: nameOf(letter.senderSorId) },
    recipient: {
      sorId: letter.recipientSorId,
      ean: letter.recipientEan,
      name: nameOf(letter.recipientSorId),
      sector: letter.sector,
      path: [],
    },
    // A replay answers with the warnings the first answer named.
    warnings: acknowledged as ResolvedRouting['warnings'],
    unacknowledged: [],
  };
}
