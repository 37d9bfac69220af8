import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let auditorKey: string;
beforeAll(async () => {
  stack = await startTestStack();
  const res = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = res.body.key;
});
afterAll(async () => {
  await stack?.stop();
});

async function deliveredLetter(files = testFiles(2, 2000)) {
  const res = await stack
    .api()
    .post('/v1/messages')
    .auth(stack.senderKey, { type: 'bearer' })
    .send(testLetter({ attachments: withBase64(files) }));
  expect(res.status).toBe(202);
  await waitForStatus(stack, res.body.id, 'delivered');
  return res.body.id as string;
}

async function actions(letterId: string): Promise<string[]> {
  const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
  return res.body.events.map((event: { action: string }) => event.action);
}

function receiverSorIdOf(xml: Buffer): string {
  const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml.toString('utf8'));
  const header = tree.Bundle.entry[0].resource.MessageHeader;
  return String(header.destination.endpoint.value).split('#id=')[1]!;
}

describe('a misrouted letter is traced and re-sent to the right mailbox', () => {
  it('wrong-recipient acknowledgement → misrouted; reroute to the reported mailbox creates a linked letter', async () => {
    const files = testFiles(3, 5000);
    const oldId = await deliveredLetter(files);
    const ack = await stack.api().post('/v1/acknowledgements').auth(stack.adapterKey, { type: 'bearer' }).send({
      messageId: oldId,
      outcome: 'negative',
      code: 'wrong-recipient',
      correctSorId: sorIds.gpClinic,
      text: 'Borgeren hører til egen læge',
    });
    expect(ack.body.status).toBe('misrouted');

    const reroute = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({ acknowledgedWarnings: ['first-contact'] });
    expect(reroute.status).toBe(202);
    expect(reroute.body).toMatchObject({ reroutedFrom: oldId, recipient: { sorId: sorIds.gpClinic, sector: 'gp' } });
    const newId = reroute.body.id as string;
    await waitForStatus(stack, newId, 'delivered');

    const [delivery] = stack.receiver.deliveriesOf(newId);
    expect(delivery!.sector).toBe('gp');
    expect(receiverSorIdOf(delivery!.body)).toBe(sorIds.gpClinic);
    const status = await stack.api().get(`/v1/messages/${newId}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.body.reroutedFrom).toBe(oldId);
    expect(status.body.attachments.map((a: { sha256: string }) => a.sha256)).toEqual(files.map((f) => f.sha256));

    expect((await actions(oldId)).slice(-3)).toEqual(['misrouted', 'misroute-reported', 'rerouted']);
    expect(await actions(newId)).toEqual(['warning-acknowledged', 'accepted', 'queued', 'delivered']);
    const accepted = await stack.database.db.query(
      "SELECT details FROM audit_events WHERE letter_id = $1 AND action = 'accepted'",
      [newId],
    );
    expect(accepted.rows[0].details.reroutedFrom).toBe(oldId);

    const again = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('letter-already-rerouted');
  });

  it('an auditor reports a misroute; a reroute without a known right mailbox needs one', async () => {
    const oldId = await deliveredLetter();
    const report = await stack
      .api()
      .post(`/v1/messages/${oldId}/misroute`)
      .auth(auditorKey, { type: 'bearer' })
      .send({ note: 'Set i UTH-rapport' });
    expect(report.status).toBe(201);
    expect((await stack.api().get(`/v1/messages/${oldId}`).auth(stack.senderKey, { type: 'bearer' })).body.status).toBe(
      'misrouted',
    );

    const none = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({});
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('reroute-recipient-required');

    const inactive = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({ recipient: { sorId: sorIds.closedUnit } });
    expect(inactive.status).toBe(422);
    expect(inactive.body.code).toBe('recipient-inactive');
    const misroutes = await stack.database.db.query('SELECT rerouted_to FROM misroutes WHERE letter_id = $1', [oldId]);
    expect(misroutes.rows).toEqual([{ rerouted_to: null }]);

    const byAdmin = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ recipient: { sorId: sorIds.gpClinic } });
    expect(byAdmin.status).toBe(202);
  });

  it('a letter still on its way cannot be rerouted, and a sender cannot report misroutes', async () => {
    const oldId = await deliveredLetter();
    const reroute = await stack
      .api()
      .post(`/v1/messages/${oldId}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({});
    expect(reroute.status).toBe(409);
    expect(reroute.body.code).toBe('letter-not-misrouted');
    expect(
      (await stack.api().post(`/v1/messages/${oldId}/misroute`).auth(stack.senderKey, { type: 'bearer' }).send({}))
        .status,
    ).toBe(403);
  });
});
