import { randomUUID } from 'node:crypto';
import { testLetter } from '../support/fixtures.ts';

/**
 * A clinical system sending a steady stream of letters. Each letter has its own Idempotency-Key;
 * a submission that gets no answer or an error is retried with the same key until it gets a
 * 202 — what a well-behaved client does, and what makes "accepted" unambiguous after a crash.
 */
export class LetterStream {
  readonly accepted = new Map<string, string>();
  readonly unanswered = new Set<string>();
  readonly answers = new Map<number, number>();
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly url: () => string,
    private readonly senderKey: string,
    private readonly everyMs = 80,
  ) {}

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        void this.#send(randomUUID());
        await new Promise((resolve) => setTimeout(resolve, this.everyMs));
      }
    })();
  }

  async #send(key: string): Promise<void> {
    this.unanswered.add(key);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url()}/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.senderKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(testLetter({ acknowledgedWarnings: ['first-contact'] })),
          signal: AbortSignal.timeout(10_000),
        });
        this.answers.set(res.status, (this.answers.get(res.status) ?? 0) + 1);
        if (res.status === 202) {
          const body = (await res.json()) as { id: string };
          this.accepted.set(key, body.id);
          this.unanswered.delete(key);
          return;
        }
        await res.body?.cancel();
      } catch {
        this.answers.set(0, (this.answers.get(0) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async settled(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.unanswered.size > 0) {
      if (Date.now() > deadline) throw new Error(`${this.unanswered.size} submissions never got a 202`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
