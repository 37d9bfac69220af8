import type { TestReceiver } from '../../support/receiver.ts';

/**
 * Counts what the receiving system got, by letter id: when each letter first arrived and how
 * many times. A letter answered 202 that never arrives is lost; one that arrives twice is a
 * duplicate; one that arrives without a 202 is unexpected. All three must be zero.
 */
export class ReceiverTally {
  readonly arrivals = new Map<string, { first: number; count: number }>();
  #read = 0;

  constructor(private readonly receiver: TestReceiver) {}

  /** Takes in what arrived since the last call. */
  update(): void {
    const received = this.receiver.received;
    for (; this.#read < received.length; this.#read += 1) {
      const letter = received[this.#read]!;
      const id = letter.letterId ?? '(no id)';
      const known = this.arrivals.get(id);
      if (known) known.count += 1;
      else this.arrivals.set(id, { first: letter.receivedAt, count: 1 });
    }
  }

  firstArrival(id: string): number | undefined {
    return this.arrivals.get(id)?.first;
  }

  /** Waits until every one of `ids` has arrived; answers whether they all did in time. */
  async waitForAll(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    let missing = ids;
    for (;;) {
      this.update();
      missing = missing.filter((id) => !this.arrivals.has(id));
      if (missing.length === 0) return true;
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The run's verdict against every letter that was answered 202. */
  check(accepted: ReadonlySet<string>): { accepted: number; lost: number; duplicated: number; unexpected: number } {
    this.update();
    let lost = 0;
    let duplicated = 0;
    let unexpected = 0;
    for (const id of accepted) {
      const arrival = this.arrivals.get(id);
      if (!arrival) lost += 1;
      else if (arrival.count > 1) duplicated += 1;
    }
    for (const id of this.arrivals.keys()) if (!accepted.has(id)) unexpected += 1;
    return { accepted: accepted.size, lost, duplicated, unexpected };
  }
}
