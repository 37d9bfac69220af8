import type { DeliveryReceipt } from '../../schemas/queue-messages.ts';

/** What this process has already done with a letter. */
export type LedgerEntry =
  /**
   * The receiving system answered 2xx; the receipt is kept to re-publish for a redelivered copy,
   * and `reported` says whether the broker confirmed it.
   */
  | { outcome: 'delivered'; attempt: number; receipt: DeliveryReceipt; reported: boolean }
  /** The attempt was passed on durably (retry queue, dead-letter queue or `failed` receipt). */
  | { outcome: 'handed-on'; attempt: number };

/**
 * In-process memory of letters, so a message the broker redelivers to this process (after a
 * connection blip, before our ack arrived) is never delivered twice, even before the gateway has
 * processed our receipt. Bounded: it covers redeliveries, which come within seconds or minutes.
 */
export class DeliveryLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly capacity = 10_000) {}

  /**
   * Waits until no other copy of this letter is being handled in this process, then holds the
   * letter until the returned release is called. A copy redelivered on a fresh channel while the
   * first one still waits for the receiver's answer must see how that answer turned out.
   */
  async claim(letterId: string): Promise<() => void> {
    for (let busy = this.inFlight.get(letterId); busy; busy = this.inFlight.get(letterId)) {
      await busy;
    }
    let release!: () => void;
    this.inFlight.set(letterId, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.inFlight.delete(letterId);
      release();
    };
  }

  recall(letterId: string): LedgerEntry | undefined {
    return this.entries.get(letterId);
  }

  /** Receipts of delivered letters that the broker never confirmed (their node went away). */
  unreported(): DeliveryReceipt[] {
    return [...this.entries.values()].flatMap((entry) =>
      entry.outcome === 'delivered' && !entry.reported ? [entry.receipt] : [],
    );
  }

  markReported(letterId: string): void {
    const entry = this.entries.get(letterId);
    if (entry?.outcome === 'delivered') entry.reported = true;
  }

  remember(letterId: string, entry: LedgerEntry): void {
    this.entries.delete(letterId);
    this.entries.set(letterId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
