import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

// Room for about two 4 MB JSON letters at once (a body counts four times its size until stored).
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false, env: { POSTBUD_BUFFERED_BODIES_BYTES: String(36 * 1024 * 1024) } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('large JSON letters arriving together', () => {
  it('are held to a memory budget: those that do not fit get 503 server-busy with Retry-After, nothing of them stored', async () => {
    const letter = testLetter({ attachments: withBase64(testFiles(3, 1_000_000)) });
    const before = await letterTableCounts(stack.database.db);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(letter),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    const accepted = statuses.filter((status) => status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThan(6);
    for (const busy of answers.filter((answer) => answer.status !== 202)) {
      expect(busy.status).toBe(503);
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.body.code).toBe('server-busy');
      expect(busy.headers['retry-after']).toBe('2');
    }
    const after = await letterTableCounts(stack.database.db);
    expect(after.letters).toBe(before.letters! + accepted);

    // The budget is given back: the same letter alone is accepted.
    const alone = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(letter);
    expect(alone.status).toBe(202);
  });
});
