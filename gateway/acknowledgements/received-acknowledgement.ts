import type { Acknowledgement, AcknowledgementIssue } from '../../schemas/acknowledgement.ts';
import { issueDetailsSystemOf, type ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import { letterIdOfMessageHeader } from '../medcom/care-communication-read.ts';
import type { AcknowledgementMessage, AcknowledgementParty } from './acknowledgement-bundle-read.ts';

/** The receiving clerk's "this letter is not for us": a negative acknowledgement that is a misroute. */
export const wrongRecipientCode = 'wrong-recipient';

/** An acknowledgement as the domain takes it, whichever form it came in. */
export interface ReceivedAcknowledgement {
  form: 'bundle' | 'json';
  letterId: string;
  /** The acknowledgement's own MessageHeader.id; a JSON acknowledgement has none. */
  messageHeaderId?: string;
  bundleId?: string;
  code: ResponseCode;
  issues: AcknowledgementIssue[];
  /** Who acknowledges whom, as a Bundle says: must be the letter's recipient and its sender. */
  parties?: { sender: AcknowledgementParty; receiver: AcknowledgementParty };
  /** A receiving clerk's wrong-recipient answer (JSON form). */
  misroute?: { note?: string | undefined; correctSorId?: string | undefined };
  /** What the JSON form said, kept in the audit trail as it always was. */
  json?: { outcome: string; code?: string; text?: string };
}

const jsonCodes: Record<Acknowledgement['outcome'], ResponseCode> = {
  positive: 'ok',
  negative: 'fatal-error',
  ok: 'ok',
  'transient-error': 'transient-error',
  'fatal-error': 'fatal-error',
};

/** A JSON acknowledgement's error code and text, as the one OperationOutcome issue a Bundle would carry. */
function jsonIssues(ack: Acknowledgement, code: ResponseCode): AcknowledgementIssue[] {
  if (code === 'ok') return [];
  const system = ack.code ? issueDetailsSystemOf(ack.code) : undefined;
  const details = {
    ...(system && ack.code ? { coding: [{ system, code: ack.code }] } : {}),
    ...(ack.text ? { text: ack.text } : {}),
  };
  return [{ severity: 'error', code: 'processing', ...(Object.keys(details).length > 0 ? { details } : {}) }];
}

export function fromJson(ack: Acknowledgement): ReceivedAcknowledgement {
  const code = jsonCodes[ack.outcome];
  return {
    form: 'json',
    letterId: ack.messageId,
    code,
    issues: jsonIssues(ack, code),
    ...(code === 'fatal-error' && ack.code === wrongRecipientCode
      ? { misroute: { note: ack.text, correctSorId: ack.correctSorId } }
      : {}),
    json: {
      outcome: ack.outcome,
      ...(ack.code ? { code: ack.code } : {}),
      ...(ack.text ? { text: ack.text } : {}),
    },
  };
}

/** `response.identifier` is the letter's MessageHeader.id, however the letter was submitted. */
export function fromBundle(message: AcknowledgementMessage): ReceivedAcknowledgement {
  return {
    form: 'bundle',
    letterId: letterIdOfMessageHeader(message.acknowledgedMessageHeaderId),
    messageHeaderId: message.messageHeaderId,
    bundleId: message.bundleId,
    code: message.code,
    issues: message.issues,
    parties: { sender: message.sender, receiver: message.receiver },
  };
}
