import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAcknowledgementBundle } from '../../gateway/acknowledgements/acknowledgement-bundle-build.ts';
import { buildFollowUp } from '../../gateway/medcom/care-communication-followup.ts';
import { readCareCommunication, withAttachmentPlaceholders } from '../../gateway/medcom/care-communication-read.ts';
import { readFhirXml, type FhirResource } from '../../gateway/medcom/fhir-xml-read.ts';
import { writeFhirXml } from '../../gateway/medcom/fhir-xml-write.ts';
import { sorIds, testFiles, testLetter, testMailboxes, withBase64 } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
/** The municipal unit's own system: it speaks only MedCom (Bundles in, Bundles out). */
let municipalKey: string;
const files = testFiles(2, 20_000);

beforeAll(async () => {
  stack = await startTestStack();
  const client = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Kommunal omsorgsjournal', roles: ['sender'], senders: [sorIds.socialPsychiatry] });
  municipalKey = client.body.key as string;
});
afterAll(async () => {
  await stack?.stop();
});

async function waitUntil(letterId: string, status: string, key: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await stack.api().get(`/v1/messages/${letterId}`).auth(key, { type: 'bearer' });
    if (res.body.status === status) return res.body;
    if (Date.now() > deadline) throw new Error(`letter ${letterId} is ${res.body.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The receiving system's MedCom Acknowledgement `ok`, as FHIR XML, for a message it received. */
function acknowledgeOk(letterId: string) {
  const message = readCareCommunication(deliveredBundle(letterId));
  const party = (sorId: string, ean: string | undefined) => ({ sorId, ean, name: `SOR ${sorId}` });
  const bundle = buildAcknowledgementBundle({
    bundleId: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    messageHeaderId: crypto.randomUUID(),
    code: 'ok',
    issues: [],
    acknowledgedAt: new Date().toISOString(),
    letter: {
      id: letterId,
      messageHeaderId: message.messageHeaderId,
      activity: message.activity,
      sentAt: new Date().toISOString(),
    },
    acknowledging: party(message.recipient.sorId, message.recipient.ean),
    acknowledged: party(message.sender.sorId, message.sender.ean),
  });
  return stack
    .api()
    .post('/v1/acknowledgements')
    .auth(stack.adapterKey, { type: 'bearer' })
    .set('content-type', 'application/fhir+xml')
    .send(writeFhirXml(bundle));
}

/** What the receiving system got: the delivered Bundle, read from its FHIR XML. */
function deliveredBundle(letterId: string): FhirResource {
  const [delivery] = stack.receiver.deliveriesOf(letterId);
  if (!delivery) throw new Error(`letter ${letterId} not delivered`);
  return readFhirXml(delivery.body.toString('utf8'));
}

describe('a conversation through Postbud with a system that speaks only MedCom', () => {
  it('new → ack ok → reply (as a Bundle) → ack ok → forward, each step in the thread and the audit trail', async () => {
    // 1. The region's EPJ sends a new letter with two attachments, as JSON.
    const sent = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ attachments: withBase64(files) }));
    expect(sent.status).toBe(202);
    const first = sent.body.id as string;
    await waitUntil(first, 'delivered', stack.senderKey);
    const ack = await acknowledgeOk(first);
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    await waitUntil(first, 'acknowledged', stack.senderKey);

    // 2. The municipal system replies with a CareCommunication Bundle built from what it received.
    const received = deliveredBundle(first);
    const thread = readCareCommunication(received).communicationId;
    const replyId = crypto.randomUUID();
    const [region, municipality] = [testMailboxes()[1]!, testMailboxes()[3]!];
    const replyBundle = buildFollowUp(withAttachmentPlaceholders(received), {
      kind: 'reply-message',
      letterId: replyId,
      communicationId: thread,
      sentAt: new Date().toISOString(),
      sender: { sorId: municipality.sorId, ean: municipality.ean, name: municipality.name },
      recipient: { sorId: region.sorId, ean: region.ean, name: region.name },
      text: 'Tak. Bostøtten er orienteret.',
      author: { name: 'Karen Holm', role: 'socialraadgiver', phone: '+4587654321' },
      attachments: [],
    });
    const reply = await stack
      .api()
      .post('/v1/messages')
      .auth(municipalKey, { type: 'bearer' })
      .set('content-type', 'application/fhir+xml')
      .set('postbud-acknowledged-warnings', 'first-contact')
      .send(writeFhirXml(replyBundle));
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body.id).toBe(replyId);
    await waitUntil(replyId, 'delivered', municipalKey);
    const replyAck = await acknowledgeOk(replyId);
    expect(replyAck.status, JSON.stringify(replyAck.body)).toBe(200);
    await waitUntil(replyId, 'acknowledged', municipalKey);

    // The region's EPJ receives the reply with the thread kept and the earlier attachments cited.
    const replyReceived = readCareCommunication(deliveredBundle(replyId));
    expect(replyReceived).toMatchObject({ activity: 'reply-message', communicationId: thread });
    expect(replyReceived.attachments).toEqual([]);

    // 3. The region forwards the reply, with the first letter's attachments, to the GP.
    const forward = await stack
      .api()
      .post(`/v1/messages/${replyId}/forward`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({
        recipient: { sorId: sorIds.gpClinic },
        text: 'Til orientering.',
        author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
        acknowledgedWarnings: ['first-contact'],
      });
    expect(forward.status, JSON.stringify(forward.body)).toBe(202);
    const forwardId = forward.body.id as string;
    await waitUntil(forwardId, 'delivered', stack.senderKey);
    const forwarded = readCareCommunication(deliveredBundle(forwardId));
    expect(forwarded.activity).toBe('forward-message');
    expect(forwarded.communicationId).not.toBe(thread);

    // The thread, as each party sees it.
    for (const key of [stack.senderKey, municipalKey]) {
      const res = await stack.api().get(`/v1/threads/${thread}`).auth(key, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.letters.map((l: { id: string; activity: string }) => [l.id, l.activity])).toEqual([
        [first, 'new-message'],
        [replyId, 'reply-message'],
      ]);
      expect(res.body.letters[1].forwardedAs).toEqual([forwardId]);
    }
    const outsider = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Andet system', roles: ['sender'], senders: [sorIds.gpClinic] });
    const hidden = await stack.api().get(`/v1/threads/${thread}`).auth(outsider.body.key, { type: 'bearer' });
    expect(hidden.status).toBe(404);

    // The audit trail tells the same story.
    const actions = async (letterId: string) => {
      const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.adminKey, { type: 'bearer' });
      return res.body.events.map((event: { action: string }) => event.action);
    };
    expect(await actions(first)).toEqual(expect.arrayContaining(['accepted', 'delivered', 'acknowledged']));
    expect(await actions(replyId)).toEqual(
      expect.arrayContaining(['accepted', 'medcom-received', 'delivered', 'acknowledged']),
    );
    expect(await actions(forwardId)).toEqual(expect.arrayContaining(['accepted', 'forwarded', 'delivered']));
  });

  it('a reply through the API keeps the thread and cites the earlier attachments; a forward re-sends them intact', async () => {
    const sent = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ attachments: withBase64(files) }));
    const first = sent.body.id as string;
    await waitUntil(first, 'delivered', stack.senderKey);
    const reply = await stack
      .api()
      .post(`/v1/messages/${first}/reply`)
      .auth(municipalKey, { type: 'bearer' })
      .send({
        text: 'Modtaget.',
        author: { name: 'Karen Holm', role: 'socialraadgiver', phone: '+4587654321' },
        acknowledgedWarnings: ['first-contact'],
      });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    await waitUntil(reply.body.id, 'delivered', municipalKey);
    const replied = readCareCommunication(deliveredBundle(reply.body.id));
    expect(replied.activity).toBe('reply-message');
    expect(replied.communicationId).toBe(readCareCommunication(deliveredBundle(first)).communicationId);

    // Only the recipient's side may reply; the sender's system is told the letter does not exist.
    const ownReply = await stack
      .api()
      .post(`/v1/messages/${first}/reply`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({ text: 'x', author: { name: 'A B', role: 'sygeplejerske', phone: '+4512345678' } });
    expect(ownReply.status).toBe(404);

    const forward = await stack
      .api()
      .post(`/v1/messages/${first}/forward`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({
        recipient: { sorId: sorIds.gpClinic },
        text: 'Videresendt.',
        author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
        acknowledgedWarnings: ['first-contact'],
      });
    expect(forward.status, JSON.stringify(forward.body)).toBe(202);
    await waitUntil(forward.body.id, 'delivered', stack.senderKey);
    const bundle = deliveredBundle(forward.body.id);
    const data = readCareCommunication(bundle).attachments.map((a) => Buffer.from(a.data, 'base64'));
    expect(data).toEqual(files.map((file) => file.bytes));
  });
});
