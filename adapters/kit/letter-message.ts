import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConsumeMessage, MessagePropertyHeaders } from 'amqplib';
import type { Sector } from '../../schemas/categories.ts';
import { signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import {
  deliveryReceiptSchema,
  letterQueuedSchema,
  type DeliveryReceipt,
  type LetterQueued,
} from '../../schemas/queue-messages.ts';

/** The header that carries the number of the delivery attempt a message is for (absent: 1). */
export const attemptHeader = 'x-postbud-attempt';
/** Why a message sits in a dead-letter queue, for the operator who finds it there. */
export const deadLetterReasonHeader = 'x-postbud-dead-letter-reason';
/** The last transient error before a retry, for operators inspecting a retry queue. */
export const lastErrorHeader = 'x-postbud-last-error';

const ajv = new Ajv({ allErrors: false });
addFormats.default(ajv);
const isLetterQueued = ajv.compile<LetterQueued>(letterQueuedSchema);
const isDeliveryReceipt = ajv.compile<DeliveryReceipt>(deliveryReceiptSchema);

function describeFirstError(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  return first ? `${first.instancePath || '(root)'} ${first.message ?? 'is invalid'}` : 'is invalid';
}

export type ParsedLetterMessage = { ok: true; letter: LetterQueued; attempt: number } | { ok: false; reason: string };

/** Reads and checks one message from a sector queue; never throws. */
export function parseLetterMessage(message: ConsumeMessage, sector: Sector, signer: QueueSigner): ParsedLetterMessage {
  // The message names the endpoint the letter goes to: only what the gateway's relay signed is believed.
  if (!signer.verify('LetterQueued', message.content, message.properties.headers?.[signatureHeader])) {
    return { ok: false, reason: 'signature missing or invalid' };
  }
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!isLetterQueued(body)) {
    return { ok: false, reason: `body is not a LetterQueued: ${describeFirstError(isLetterQueued.errors)}` };
  }
  if (body.sector !== sector) {
    return { ok: false, reason: `letter for sector ${body.sector} arrived on the ${sector} queue` };
  }
  const { messageId } = message.properties;
  if (messageId !== undefined && messageId !== body.letterId) {
    return { ok: false, reason: 'AMQP message_id differs from letterId' };
  }
  // The adapter key goes with this request, so it must stay on the gateway's own origin.
  if (!body.xmlPath.startsWith('/') || body.xmlPath.startsWith('//')) {
    return { ok: false, reason: 'xmlPath is not a path on the gateway' };
  }
  const attempt = readAttempt(message.properties.headers);
  if (attempt === undefined) {
    return { ok: false, reason: `header ${attemptHeader} is not a positive integer` };
  }
  return { ok: true, letter: body, attempt };
}

function readAttempt(headers: MessagePropertyHeaders | undefined): number | undefined {
  const raw: unknown = headers?.[attemptHeader];
  if (raw === undefined || raw === null) return 1;
  const attempt = typeof raw === 'number' ? raw : Number(String(raw));
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : undefined;
}

/** RabbitMQ's own dead-lettering and quorum-queue bookkeeping, and our earlier headers. */
const replacedHeader = /^x-(death|first-death-|last-death-|delivery-count|postbud-)/i;

/**
 * Headers for a copy of a message (retry or dead-letter): the publisher's own headers (trace ids)
 * survive; the broker's bookkeeping would otherwise grow with every round trip through a retry queue.
 */
export function copyHeaders(
  headers: MessagePropertyHeaders | undefined,
  ours: Record<string, string | number>,
): Record<string, unknown> {
  const kept = Object.entries(headers ?? {}).filter(([name]) => !replacedHeader.test(name));
  return { ...Object.fromEntries(kept), ...ours };
}

export type ReceiptFields = Omit<DeliveryReceipt, 'at' | 'error'> & { error?: string };

/** Builds a receipt and checks it against the schema the gateway validates with. */
export function buildReceipt(fields: ReceiptFields): DeliveryReceipt {
  const receipt: DeliveryReceipt = {
    ...fields,
    ...(fields.error !== undefined ? { error: fields.error.slice(0, 500) } : {}),
    at: new Date().toISOString(),
  };
  if (!isDeliveryReceipt(receipt)) {
    throw new Error(`adapter built an invalid receipt: ${describeFirstError(isDeliveryReceipt.errors)}`);
  }
  return receipt;
}
