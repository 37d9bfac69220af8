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

async function deliveredLetter(): Promise<string> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(res.status).toBe(202);
  await waitForStatus(stack, res.body.id, 'delivered');
  return res.body.id as string;
}

const acknowledge = (body: object, key = stack.adapterKey) =>
  stack.api().post('/v1/acknowledgements').auth(key, { type: 'bearer' }).send(body);

async function lastEvent(letterId: string) {
  const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
  return res.body.events.at(-1) as { action: string; actor: string; details: Record<string, unknown> };
}

describe('acknowledgements from the receiving system', () => {
  it('positive → acknowledged, and a repeat changes nothing', async () => {
    const letterId = await deliveredLetter();
    const res = await acknowledge({ messageId: letterId, outcome: 'positive' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ messageId: letterId, status: 'acknowledged', code: 'ok', duplicate: false });
    expect((await lastEvent(letterId)).action).toBe('acknowledged');
    expect((await acknowledge({ messageId: letterId, outcome: 'positive' })).status).toBe(200);
    const events = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
    expect(events.body.events.filter((e: { action: string }) => e.action === 'acknowledged')).toHaveLength(1);
  });

  it('negative with a MedCom code → rejected', async () => {
    const letterId = await deliveredLetter();
    const res = await acknowledge({
      messageId: letterId,
      outcome: 'negative',
      code: 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE',
    });
    expect(res.body.status).toBe('rejected');
    expect(await lastEvent(letterId)).toMatchObject({
      action: 'rejected',
      details: { code: 'MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE' },
    });
  });

  it('negative with wrong-recipient → misrouted, with a misroute record for auditors', async () => {
    const letterId = await deliveredLetter();
    const res = await acknowledge({
      messageId: letterId,
      outcome: 'negative',
      code: 'wrong-recipient',
      text: 'Ikke vores borger',
    });
    expect(res.body.status).toBe('misrouted');
    const misroutes = await stack.database.db.query('SELECT source, note FROM misroutes WHERE letter_id = $1', [
      letterId,
    ]);
    expect(misroutes.rows).toEqual([{ source: 'acknowledgement', note: 'Ikke vores borger' }]);
  });

  it('transient-error keeps the letter open for the final answer, and the status shows the MedCom code and text', async () => {
    const letterId = await deliveredLetter();
    const transient = await acknowledge({
      messageId: letterId,
      outcome: 'transient-error',
      code: 'MSG_Mailbox_Out_Of_Operation',
      text: 'Postkassen er lukket i weekenden',
    });
    expect(transient.status).toBe(200);
    expect(transient.body).toMatchObject({ status: 'delivered', code: 'transient-error', duplicate: false });
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.body.acknowledgement).toMatchObject({
      code: 'transient-error',
      issues: [
        {
          severity: 'error',
          details: {
            coding: [
              {
                system: 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-acknowledgement-error-codes',
                code: 'MSG_Mailbox_Out_Of_Operation',
              },
            ],
            text: 'Postkassen er lukket i weekenden',
          },
        },
      ],
    });
    expect((await lastEvent(letterId)).action).toBe('acknowledgement-transient-error');
    const positive = await acknowledge({ messageId: letterId, outcome: 'positive' });
    expect(positive.status).toBe(200);
    expect(positive.body.status).toBe('acknowledged');
  });

  it('refuses senders (403), unknown letters (404) and an acknowledgement of a letter not yet sent (409)', async () => {
    const letterId = await deliveredLetter();
    expect((await acknowledge({ messageId: letterId, outcome: 'positive' }, stack.senderKey)).status).toBe(403);
    expect((await acknowledge({ messageId: '00000000-0000-4000-8000-000000000000', outcome: 'positive' })).status).toBe(
      404,
    );
    await acknowledge({ messageId: letterId, outcome: 'negative', code: 'MSG_Damaged_durin_transport' });
    const late = await acknowledge({ messageId: letterId, outcome: 'positive' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('letter-state-conflict');
  });
});
