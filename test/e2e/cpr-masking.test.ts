import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const notes = ['borger 25 09 47 9989 er flyttet', 'se 250947.9989', 'cpr ２５０９４７９９８９', 'nr. 25.09.47-9989'];

describe("CPR numbers in clerks' notes", () => {
  it.each(notes)('are masked in a letter’s events and status for every reader: %s', async (note) => {
    const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    await waitForStatus(stack, sent.body.id, 'delivered');
    const ack = await stack
      .api()
      .post('/v1/acknowledgements')
      .auth(stack.adapterKey, { type: 'bearer' })
      .send({ messageId: sent.body.id, outcome: 'negative', code: 'MSG_Receiver_Identifier_UNKNOWN', text: note });
    expect(ack.status).toBe(200);
    for (const key of [stack.senderKey, stack.adminKey]) {
      for (const path of [`/v1/messages/${sent.body.id}/events`, `/v1/messages/${sent.body.id}`]) {
        const res = await stack.api().get(path).auth(key, { type: 'bearer' });
        expect(res.status).toBe(200);
        const text = JSON.stringify(res.body).normalize('NFKC');
        expect(text).not.toMatch(/9989/);
      }
    }
    const events = await stack
      .api()
      .get(`/v1/messages/${sent.body.id}/events`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(JSON.stringify(events.body)).toContain('250947-xxxx');
  });
});
