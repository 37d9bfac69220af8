import { randomUUID } from 'node:crypto';
import type { Db } from '../../gateway/platform/db.ts';
import { testLetter } from '../support/fixtures.ts';
import { waitUntil } from '../support/processes.ts';

/**
 * A clinical system sending a steady stream of letters. Each letter has its own Idempotency-Key;
 * a submission that gets no answer or an error is retried with the same key until it gets a
 * 202 — what a well-behaved client does, and what makes "accepted" unambiguous after a crash. With
 * several gateways a retry may go to another one, with the same key.
 */
export class LetterStream {
  readonly accepted = new Map<string, string>();
  readonly unanswered = new Set<string>();
  readonly answers = new Map<number, number>();
  #running = false;
  #loop: Promise<void> | undefined;

  #sent = 0;

  constructor(
    /** Where the `attempt`-th try (0-based) of the `letter`-th letter goes: one gateway, or several in turn. */
    private readonly url: (attempt: number, letter: number) => string,
    private readonly senderKey: string,
    private readonly everyMs = 80,
  ) {}

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        void this.#send(randomUUID(), this.#sent++);
        await new Promise((resolve) => setTimeout(resolve, this.everyMs));
      }
    })();
  }

  async #send(key: string, letter: number): Promise<void> {
    this.unanswered.add(key);
    const deadline = Date.now() + 90_000;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      try {
        const res = await fetch(`${this.url(attempt, letter)}/v1/messages`, {
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

/** Waits (up to 90 s) until the gateway has every one of `accepted` as delivered. */
export async function waitForDelivered(db: Db, accepted: ReadonlySet<string>): Promise<void> {
  await waitUntil(
    'every accepted letter to be delivered',
    async () => {
      const result = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM letters WHERE id = ANY($1::uuid[]) AND status = 'delivered'",
        [[...accepted]],
      );
      return result.rows[0]!.n === accepted.size;
    },
    90_000,
  );
}
