import type { Channel, ConsumeMessage } from 'amqplib';
import type { DeliveryReceipt } from '../../schemas/queue-messages.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/log.ts';
import { recordReceipts } from './receipt-record.ts';

/** Receipts the broker hands over unacknowledged: the most one batch can hold. */
export const prefetch = 50;
/** Batches recorded at once: while one commits, the next is already written. */
const batchesInFlight = 2;
/** A receipt that could not be recorded goes back to the queue after this, not in a tight loop. */
const requeueDelayMs = 1_000;

interface Received {
  message: ConsumeMessage;
  receipt: DeliveryReceipt;
}

/**
 * Records the receipts of one channel a batch at a time and acks each once its batch committed.
 * A receipt waits only while `batchesInFlight` batches are being recorded; so one arriving alone
 * is recorded at once, and under load a transaction carries many (one commit instead of one a
 * letter). A batch that fails is recorded receipt by receipt, so one receipt the database refuses
 * holds up no other; that one is requeued after a second.
 */
export class ReceiptBatches {
  readonly #waiting: Received[] = [];
  #inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly channel: Channel,
    private readonly log: Logger,
  ) {}

  add(received: Received): void {
    this.#waiting.push(received);
    this.#next();
  }

  #next(): void {
    while (this.#inFlight < batchesInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, prefetch);
      this.#inFlight += 1;
      void this.#record(batch).finally(() => {
        this.#inFlight -= 1;
        this.#next();
      });
    }
  }

  async #record(batch: Received[]): Promise<void> {
    try {
      await recordReceipts(
        this.db,
        batch.map((received) => received.receipt),
      );
      for (const received of batch) this.#ack(received.message);
      return;
    } catch (error) {
      if (batch.length === 1) return this.#requeue(batch[0]!, error as Error);
    }
    for (const received of batch) {
      try {
        await recordReceipts(this.db, [received.receipt]);
        this.#ack(received.message);
      } catch (error) {
        this.#requeue(received, error as Error);
      }
    }
  }

  #ack(message: ConsumeMessage): void {
    try {
      this.channel.ack(message);
    } catch {
      // The channel closed meanwhile; the redelivered receipt is recorded as a no-op.
    }
  }

  #requeue({ message, receipt }: Received, error: Error): void {
    this.log.warn({ letterId: receipt.letterId, err: { message: error.message } }, 'receipt not recorded; requeued');
    setTimeout(() => {
      try {
        this.channel.nack(message, false, true);
      } catch {
        // The channel closed meanwhile; the broker redelivers the receipt on reconnect.
      }
    }, requeueDelayMs).unref();
  }
}
