import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConsumeMessage } from 'amqplib';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import { deliveryReceiptSchema, type DeliveryReceipt } from '../../schemas/queue-messages.ts';
import { signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import type { Broker } from '../platform/broker.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { moveLetter } from '../letters/letter-lifecycle.ts';
import { insertDeliveryAttempt } from './delivery-attempt-store.ts';
import type { Logger } from '../platform/log.ts';

const ajv = new Ajv();
addFormats.default(ajv);
const validReceipt = ajv.compile<DeliveryReceipt>(deliveryReceiptSchema);

/** Records one adapter report. Idempotent: a redelivered receipt changes nothing twice. */
export async function recordReceipt(db: Db, receipt: DeliveryReceipt): Promise<void> {
  const actor: Actor = { id: null, name: `adapter:${receipt.sector}` };
  await inTransaction(db, async (tx) => {
    const recorded = await insertDeliveryAttempt(tx, receipt.letterId, {
      attempt: receipt.attempt,
      endpoint: receipt.endpoint,
      outcome: receipt.outcome,
      httpStatus: receipt.httpStatus ?? null,
      durationMs: receipt.durationMs ?? null,
      error: receipt.error ?? null,
      at: receipt.at,
    });
    if (!recorded) return;
    const details = {
      attempt: receipt.attempt,
      endpoint: receipt.endpoint,
      ...(receipt.httpStatus !== undefined ? { httpStatus: receipt.httpStatus } : {}),
      ...(receipt.durationMs !== undefined ? { durationMs: receipt.durationMs } : {}),
      ...(receipt.error ? { error: receipt.error } : {}),
    };
    if (receipt.outcome === 'attempt-failed') {
      await appendAuditEvents(tx, actor, [{ action: 'delivery-attempt-failed', letterId: receipt.letterId, details }]);
    } else {
      await moveLetter(tx, receipt.letterId, receipt.outcome, actor, details);
    }
  });
}

/** Consumes `postbud.receipts` with manual acks; a receipt is acked only once recorded. */
export function startReceiptConsumer(
  db: Db,
  broker: Broker,
  options: { prefix: string; signer: QueueSigner; log: Logger },
): void {
  const queue = topologyNames(options.prefix).receiptsQueue;
  broker.onConnected(async (channel) => {
    await channel.prefetch(50);
    await channel.consume(queue, (message: ConsumeMessage | null) => {
      if (!message) return;
      let receipt: unknown;
      try {
        receipt = JSON.parse(message.content.toString('utf8'));
      } catch {
        receipt = undefined;
      }
      // Only an adapter holds the signing key: an unsigned or badly signed receipt changes nothing.
      if (!options.signer.verify('DeliveryReceipt', message.content, message.properties.headers?.[signatureHeader])) {
        options.log.error({ messageId: message.properties.messageId }, 'discarding receipt without a valid signature');
        channel.ack(message);
        return;
      }
      if (!validReceipt(receipt)) {
        options.log.error({ messageId: message.properties.messageId }, 'discarding malformed receipt');
        channel.ack(message);
        return;
      }
      recordReceipt(db, receipt).then(
        () => {
          try {
            channel.ack(message);
          } catch {
            // The channel closed meanwhile; the redelivered receipt is recorded as a no-op.
          }
        },
        (error: Error) => {
          options.log.warn(
            { letterId: receipt.letterId, err: { message: error.message } },
            'receipt not recorded; requeued',
          );
          // Back off briefly so a database outage does not spin the receipt in a tight loop.
          setTimeout(() => {
            try {
              channel.nack(message, false, true);
            } catch {
              // The channel closed meanwhile; the broker redelivers the receipt on reconnect.
            }
          }, 1_000).unref();
        },
      );
    });
  });
}
