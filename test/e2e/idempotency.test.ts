import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const submit = (body: object, key: string) =>
  stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).set('Idempotency-Key', key).send(body);

describe('Idempotency-Key on POST /v1/messages', () => {
  it('the same key and letter returns the first answer and stores one letter', async () => {
    const letter = testLetter({ attachments: withBase64(testFiles(2, 1000)) });
    const first = await submit(letter, 'epj-4711-1');
    expect(first.status).toBe(202);
    // The relay's `queued` event is the one write that may still come; let it land first.
    await waitForStatus(stack, first.body.id, 'queued');
    const counts = await letterTableCounts(stack.database.db);
    const second = await submit(letter, 'epj-4711-1');
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.recipient).toEqual(first.body.recipient);
    expect(await letterTableCounts(stack.database.db)).toEqual(counts);
  });

  it('the same key sent eight times at once stores one letter, and every answer names it', async () => {
    const letter = testLetter({ attachments: withBase64(testFiles(1, 1000)) });
    const before = await letterTableCounts(stack.database.db);
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(letter, 'epj-4711-race')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    await waitForStatus(stack, answers[0]!.body.id, 'queued');
    const after = await letterTableCounts(stack.database.db);
    expect(after.letters).toBe(before.letters! + 1);
    expect(after.outbox).toBe(before.outbox! + 1);
  });

  it('the same key with another letter → 422 idempotency-key-reused, nothing stored', async () => {
    const files = testFiles(1, 1000);
    const first = await submit(testLetter({ attachments: withBase64(files) }), 'epj-4711-2');
    await waitForStatus(stack, first.body.id, 'queued');
    const counts = await letterTableCounts(stack.database.db);
    const changedText = await submit(testLetter({ text: 'Anden tekst', attachments: withBase64(files) }), 'epj-4711-2');
    expect(changedText.status).toBe(422);
    expect(changedText.body.code).toBe('idempotency-key-reused');
    const changedFile = await submit(testLetter({ attachments: withBase64(testFiles(1, 1000)) }), 'epj-4711-2');
    expect(changedFile.body.code).toBe('idempotency-key-reused');
    expect(await letterTableCounts(stack.database.db)).toEqual(counts);
  });

  it('a replay answers as the first time even after the recipient was deactivated', async () => {
    const first = await submit(testLetter(), 'epj-4711-3');
    expect(first.status).toBe(202);
    await stack.database.db.query('UPDATE mailboxes SET active = false WHERE sor_id = $1', [
      first.body.recipient.sorId,
    ]);
    try {
      const again = await submit(testLetter(), 'epj-4711-3');
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.recipient).toEqual(first.body.recipient);
      const fresh = await submit(testLetter(), 'epj-4711-4');
      expect(fresh.body.code).toBe('recipient-inactive');
    } finally {
      await stack.database.db.query('UPDATE mailboxes SET active = true WHERE sor_id = $1', [
        first.body.recipient.sorId,
      ]);
    }
  });

  it('keys are per client, and without a key every submission is a new letter', async () => {
    const a = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    const b = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(a.body.id).not.toBe(b.body.id);
    const bad = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .set('Idempotency-Key', 'x'.repeat(300))
      .send(testLetter());
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('idempotency-key-invalid');
  });
});
