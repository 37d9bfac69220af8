import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConsumeMessage } from 'amqplib';
import { topologyNames } from '../../schemas/amqp-topology.ts';
import { deliveryReceiptSchema, type DeliveryReceipt } from '../../schemas/queue-messages.ts';
import { signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import type { Broker } from '../platform/broker.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/log.ts';
import { prefetch, ReceiptBatches } from './receipt-batches.ts';

const ajv = new Ajv();
addFormats.default(ajv);
const validReceipt = ajv.compile<DeliveryReceipt>(deliveryReceiptSchema);

/**
 * Consumes `postbud.receipts` with manual acks; a receipt is acked only once recorded. Receipts
 * are recorded a batch at a time: the first at once, and those that arrive while batches are being
 * recorded together with each other, in one transaction (receipt-batches.ts).
 */
export function startReceiptConsumer(
  db: Db,
  broker: Broker,
  options: { prefix: string; signer: QueueSigner; log: Logger },
): void {
  const queue = topologyNames(options.prefix).receiptsQueue;
  broker.onConnected(async (channel) => {
    await channel.prefetch(prefetch);
    const batches = new ReceiptBatches(db, channel, options.log);
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
      batches.add({ message, receipt });
    });
  });
}
