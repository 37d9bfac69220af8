import type { Mailbox } from '../schemas/mailbox.ts';
import { skeletonDifferences } from './skeleton.ts';
import { describeDifference, sameName } from './names.ts';
import { mailboxStateOn } from './validity.ts';

/**
 * The misroute guards of DESIGN.md as one pure function of what the gateway has looked up.
 * Blocking findings refuse the letter; warnings hold it until the client acknowledges them.
 */

/**
 * Most important first, so the first finding is the one to show: who may send, whether the
 * recipient exists, whether it is really the one the user meant, and only then whether it can
 * receive (a user who picked the wrong mailbox gains nothing from learning its successor).
 */
export const blockingCodes = [
  'sender-not-allowed',
  'recipient-unknown',
  'sender-unknown',
  'recipient-is-sender',
  'recipient-name-mismatch',
  'recipient-inactive',
  'recipient-cannot-receive',
] as const;
/** A look-alike is the likeliest misroute, a first contact the weakest hint. */
export const warningCodes = [
  'confusable-name',
  'receiver-ean-differs',
  'municipality-mismatch',
  'first-contact',
] as const;

export type BlockingCode = (typeof blockingCodes)[number];
export type WarningCode = (typeof warningCodes)[number];

export interface Finding {
  code: BlockingCode | WarningCode;
  /** The HTTP status a blocking finding answers with; warnings have none of their own. */
  status?: 403 | 422;
  message: string;
  details: Record<string, unknown>;
}

export interface GuardFindings {
  blocking: Finding[];
  warnings: Finding[];
}

export interface ConfusableMailbox {
  mailbox: Mailbox;
  /** 0..1, names.ts `nameSimilarity`. */
  similarity: number;
}

export interface RoutingContext {
  /** The name mailboxes list in `accepts`, e.g. `CareCommunication`. */
  messageType: string;
  senderSorId: string;
  recipientSorId: string;
  /** The sender organisations the API client may send for. */
  allowedSenderSorIds: readonly string[];
  /** Undefined when the SOR id is not in the directory. */
  sender?: Mailbox;
  recipient?: Mailbox;
  /** The recipient's own EAN or its nearest ancestor's; `null` = none, undefined = not looked up. */
  recipientEffectiveEan?: string | null;
  /** The mailbox named by `recipient.successorSorId`, with its hierarchy path and EAN. */
  recipientSuccessor?: Mailbox & { path?: readonly string[]; effectiveEan?: string | null };
  /** The recipient name the user confirmed (`recipient.expectedName`). */
  expectedName?: string;
  patientMunicipalityCode?: string;
  /** The receiver EAN a MedCom message names beside the SOR endpoint it addresses. */
  claimedRecipientEan?: string;
  /** Active look-alikes of the recipient in its sector (confusables.ts). */
  confusableWith: readonly ConfusableMailbox[];
  earlierLettersSenderToRecipient: number;
  today: Date;
}

export function checkRouting(context: RoutingContext): GuardFindings {
  const blocking = [...senderFindings(context), ...recipientFindings(context)];
  const warnings = context.recipient ? warningFindings(context, context.recipient) : [];
  return {
    blocking: sortBy(blocking, blockingCodes),
    warnings: sortBy(warnings, warningCodes),
  };
}

function sortBy(findings: Finding[], order: readonly string[]): Finding[] {
  return [...findings].sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
}

function label(mailbox: Mailbox): string {
  return `"${mailbox.name}" (SOR ${mailbox.sorId})`;
}

function senderFindings(context: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  if (!context.allowedSenderSorIds.includes(context.senderSorId)) {
    findings.push({
      code: 'sender-not-allowed',
      status: 403,
      message: `This API client may not send on behalf of SOR ${context.senderSorId}.`,
      details: { senderSorId: context.senderSorId, allowedSenderSorIds: [...context.allowedSenderSorIds] },
    });
  }
  if (!context.sender) {
    findings.push({
      code: 'sender-unknown',
      status: 422,
      message: `The sender SOR ${context.senderSorId} is not in the directory.`,
      details: { senderSorId: context.senderSorId },
    });
  }
  return findings;
}

function recipientFindings(context: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  const { recipient } = context;
  if (context.senderSorId === context.recipientSorId) {
    findings.push({
      code: 'recipient-is-sender',
      status: 422,
      message: `The recipient SOR ${context.recipientSorId} is the sender itself.`,
      details: { sorId: context.recipientSorId },
    });
  }
  if (!recipient) {
    findings.push({
      code: 'recipient-unknown',
      status: 422,
      message: `No mailbox with SOR ${context.recipientSorId} is in the directory.`,
      details: { recipientSorId: context.recipientSorId },
    });
    return findings;
  }
  const mismatch = nameMismatch(context.expectedName, recipient);
  if (mismatch) findings.push(mismatch);
  const inactive = inactiveFinding(context, recipient);
  if (inactive) findings.push(inactive);
  findings.push(...cannotReceive(context, recipient));
  return findings;
}

function nameMismatch(expectedName: string | undefined, recipient: Mailbox): Finding | undefined {
  if (expectedName === undefined) return undefined;
  const names = [recipient.name, recipient.displayName].filter((name): name is string => name !== null);
  if (names.some((name) => sameName(expectedName, name))) return undefined;
  const shownAs = recipient.displayName ? ` (shown as "${recipient.displayName}")` : '';
  return {
    code: 'recipient-name-mismatch',
    status: 422,
    message: `You confirmed "${expectedName}", but SOR ${recipient.sorId} is "${recipient.name}"${shownAs}.`,
    details: {
      sorId: recipient.sorId,
      expectedName,
      currentName: recipient.name,
      displayName: recipient.displayName,
    },
  };
}

function inactiveFinding(context: RoutingContext, recipient: Mailbox): Finding | undefined {
  const state = mailboxStateOn(recipient, context.today);
  if (state === 'in-operation') return undefined;
  const why = {
    deactivated: 'is out of operation',
    'not-yet-valid': `receives letters only from ${recipient.validFrom}`,
    expired: `received letters only until ${recipient.validTo}`,
  }[state];
  const successor = successorDetails(context, recipient);
  const instead = successor
    ? ` Its successor is ${successor.name ? `"${successor.name}" (SOR ${successor.sorId})` : `SOR ${successor.sorId}`}.`
    : '';
  return {
    code: 'recipient-inactive',
    status: 422,
    message: `Mailbox ${label(recipient)} ${why}.${instead}`,
    details: {
      sorId: recipient.sorId,
      reason: state,
      validFrom: recipient.validFrom,
      validTo: recipient.validTo,
      successor,
    },
  };
}

function successorDetails(context: RoutingContext, recipient: Mailbox) {
  if (recipient.successorSorId === null) return null;
  const found = context.recipientSuccessor;
  if (found === undefined || found.sorId !== recipient.successorSorId) return { sorId: recipient.successorSorId };
  return {
    sorId: found.sorId,
    name: found.name,
    displayName: found.displayName,
    path: found.path ? [...found.path] : undefined,
    ean: found.effectiveEan ?? found.ean,
  };
}

/** `accepts` entries may carry a version (`CareCommunication;1.0`); the name decides. */
function acceptsMessageType(accepts: readonly string[], messageType: string): boolean {
  const wanted = messageType.trim().toLowerCase();
  return accepts.some((entry) => (entry.split(';')[0] ?? '').trim().toLowerCase() === wanted);
}

function cannotReceive(context: RoutingContext, recipient: Mailbox): Finding[] {
  const findings: Finding[] = [];
  if (!acceptsMessageType(recipient.accepts, context.messageType)) {
    findings.push({
      code: 'recipient-cannot-receive',
      status: 422,
      message: `Mailbox ${label(recipient)} does not receive ${context.messageType} letters.`,
      details: {
        sorId: recipient.sorId,
        reason: 'message-type',
        messageType: context.messageType,
        accepts: recipient.accepts,
      },
    });
  }
  // Without an EAN, neither its own nor inherited, there is no electronic mailbox to deliver to.
  if (context.recipientEffectiveEan === null) {
    findings.push({
      code: 'recipient-cannot-receive',
      status: 422,
      message: `Mailbox ${label(recipient)} has no EAN location number to deliver to.`,
      details: { sorId: recipient.sorId, reason: 'no-location-number' },
    });
  }
  return findings;
}

function warningFindings(context: RoutingContext, recipient: Mailbox): Finding[] {
  const findings: Finding[] = [];
  const patientCode = context.patientMunicipalityCode;
  if (
    patientCode !== undefined &&
    recipient.sector === 'municipality' &&
    recipient.municipalityCode !== null &&
    recipient.municipalityCode !== patientCode
  ) {
    findings.push({
      code: 'municipality-mismatch',
      message:
        `The patient belongs to municipality ${patientCode}, ` +
        `but ${label(recipient)} belongs to municipality ${recipient.municipalityCode}.`,
      details: { patientMunicipalityCode: patientCode, recipientMunicipalityCode: recipient.municipalityCode },
    });
  }
  const lookalikes = context.confusableWith.filter((match) => match.mailbox.sorId !== recipient.sorId);
  if (lookalikes.length > 0) findings.push(confusableFinding(recipient, lookalikes));
  const claimed = context.claimedRecipientEan;
  const directoryEan = context.recipientEffectiveEan;
  // The VANS network delivers by EAN: one that is not the addressed unit's reaches another mailbox.
  if (claimed !== undefined && typeof directoryEan === 'string' && claimed !== directoryEan) {
    findings.push({
      code: 'receiver-ean-differs',
      message:
        `The message names receiver EAN ${claimed}, but ${label(recipient)} has EAN ${directoryEan} ` +
        'in the directory; a network that routes by EAN would deliver it elsewhere.',
      details: { sorId: recipient.sorId, claimedEan: claimed, directoryEan },
    });
  }
  if (context.earlierLettersSenderToRecipient === 0) {
    findings.push({
      code: 'first-contact',
      message: `This is the first letter from SOR ${context.senderSorId} to ${label(recipient)}.`,
      details: { senderSorId: context.senderSorId, recipientSorId: recipient.sorId },
    });
  }
  return findings;
}

function confusableFinding(recipient: Mailbox, lookalikes: readonly ConfusableMailbox[]): Finding {
  const described = lookalikes.map(({ mailbox, similarity }) => {
    const difference = describeDifference(recipient.name, mailbox.name);
    return {
      sorId: mailbox.sorId,
      name: mailbox.name,
      similarity: Math.round(similarity * 100) / 100,
      onlyInRecipient: difference.onlyInA,
      onlyInLookalike: difference.onlyInB,
      // Names that read the same: which words and characters only look alike.
      readsAs: skeletonDifferences(mailbox.name, recipient.name),
    };
  });
  const howTheyDiffer = described.map((lookalike) => {
    const parts = [
      lookalike.onlyInRecipient.length > 0 ? `only the recipient says "${lookalike.onlyInRecipient.join(' ')}"` : '',
      lookalike.onlyInLookalike.length > 0 ? `only the other says "${lookalike.onlyInLookalike.join(' ')}"` : '',
    ].filter((part) => part !== '');
    const readsAs = lookalike.readsAs.length > 0 ? `reads the same: ${lookalike.readsAs.join(', ')}` : '';
    const difference = readsAs || (parts.length > 0 ? parts.join(', ') : 'differs only in spelling');
    return `"${lookalike.name}" (SOR ${lookalike.sorId}: ${difference})`;
  });
  const count = lookalikes.length === 1 ? 'another mailbox' : `${lookalikes.length} other mailboxes`;
  return {
    code: 'confusable-name',
    message: `${label(recipient)} is easily confused with ${count}: ${howTheyDiffer.join('; ')}.`,
    details: { sorId: recipient.sorId, name: recipient.name, lookalikes: described },
  };
}
