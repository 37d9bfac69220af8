import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFhirXml, type FhirResource } from '../../gateway/medcom/fhir-xml-read.ts';
import { writeFhirXml } from '../../gateway/medcom/fhir-xml-write.ts';
import {
  careCommunication40,
  invalidCareCommunication50,
  validCareCommunication50,
  type MedcomExample,
} from '../support/medcom-material.ts';
import { windowsExecutable } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { letterIdOfMessageHeader } from '../../gateway/medcom/care-communication-read.ts';
import { readAcknowledgementBundle } from '../../gateway/acknowledgements/acknowledgement-bundle-read.ts';

// MedCom's JSON is walked freely here; its shape is MedCom's, not restated by the test.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bundleOf = (example: MedcomExample): Json =>
  example.format === 'xml' ? readFhirXml(example.text) : JSON.parse(example.text);
const resources = (bundle: Json): Json[] => bundle.entry.map((entry: Json) => entry.resource);
const resolve = (bundle: Json, reference: Json | undefined): Json =>
  resources(bundle).find((r) => `${r.resourceType}/${r.id}` === reference?.reference?.split('/').slice(-2).join('/'))!;
const identifier = (resource: Json, suffix: string): string | undefined =>
  resource.identifier?.find((i: Json) => String(i.system).endsWith(suffix))?.value;

/**
 * The delivered Bundle with the stamp of Postbud's sending (Bundle.id, Bundle.timestamp and the
 * Provenance recorded at that time) put back to what the EPJ sent, to compare the rest.
 */
function asSentByTheEpj(delivered: Json, sent: Json): Json {
  const copy = structuredClone(delivered);
  copy.id = sent.id;
  copy.timestamp = sent.timestamp;
  copy.entry.forEach((entry: Json, index: number) => {
    if (entry.resource.resourceType === 'Provenance' && entry.resource.recorded === delivered.timestamp)
      entry.resource.recorded = sent.entry[index].resource.recorded;
  });
  return copy;
}

/** The parties of a message: sender and recipient as the directory must know them. */
function partiesOf(bundle: Json) {
  const header = bundle.entry[0].resource;
  const sorOf = (endpoint: string) => endpoint.split('#id=')[1]!;
  const sender = resolve(bundle, header.sender);
  const receiver = resolve(bundle, header.destination[0].receiver);
  return {
    sender: { sorId: sorOf(header.source.endpoint), ean: identifier(sender, 'gln'), name: sender.name },
    recipient: { sorId: sorOf(header.destination[0].endpoint), ean: identifier(receiver, 'gln'), name: receiver.name },
  };
}

async function waitForStatus(letterId: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.api().get(`/v1/messages/${letterId}`).auth(epjKey, { type: 'bearer' });
    if (res.body.status === status) return;
    if (Date.now() > deadline) throw new Error(`letter ${letterId} is ${res.body.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mediaType = (example: MedcomExample) => `application/fhir+${example.format}`;

let stack: TestStack;
let epjKey: string;
const valid = validCareCommunication50();

beforeAll(async () => {
  stack = await startTestStack();
  const mailboxes = new Map<string, { sorId: string; ean?: string; name?: string }>();
  for (const example of [...valid, ...invalidCareCommunication50()]) {
    const { sender, recipient } = partiesOf(bundleOf(example));
    for (const party of [sender, recipient]) if (!mailboxes.has(party.sorId)) mailboxes.set(party.sorId, party);
  }
  for (const { sorId, ean, name } of mailboxes.values()) {
    const res = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ sorId, ean, name: name ?? `SOR ${sorId}`, sector: 'region', accepts: ['CareCommunication'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const client = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'MedCom EPJ', roles: ['sender'], senders: [...mailboxes.keys()] });
  epjKey = client.body.key as string;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const post = (example: { text: string }, type: string, warnings?: string) => {
  const req = stack.api().post('/v1/messages').auth(epjKey, { type: 'bearer' }).set('content-type', type);
  if (warnings) req.set('postbud-acknowledged-warnings', warnings);
  return req.send(example.text);
};

/** Posts a message; a 409 for warnings is confirmed as a person would, by sending their codes back. */
async function confirmed(example: MedcomExample) {
  const first = await post(example, mediaType(example));
  if (first.status !== 409 || first.body.code !== 'confirmation-required') return first;
  const codes = first.body.warnings.map((warning: { code: string }) => warning.code).join(',');
  return post(example, mediaType(example), codes);
}

/**
 * MedCom's receive and send sets are separate test suites, and a few messages of one reuse a
 * MessageHeader.id of the other with other content. One gateway receives them all here, so such
 * a message is sent again under a MessageHeader.id of its own, as a sending system would.
 */
async function submit(example: MedcomExample): Promise<{ res: Awaited<ReturnType<typeof post>>; sent: MedcomExample }> {
  const res = await confirmed(example);
  if (res.body.code !== 'message-id-reused') return { res, sent: example };
  const headerId = String(bundleOf(example).entry[0].resource.id);
  const sent = { ...example, text: example.text.replaceAll(headerId, crypto.randomUUID()) };
  return { res: await confirmed(sent), sent };
}

describe('inbound CareCommunication 5.0 Bundles, as MedCom publishes them', () => {
  // MedCom's send example S-B declares its image as image/png; its bytes are a JPEG. Postbud holds
  // every attachment to its declared type (that is what stops an .exe named .pdf), so it refuses
  // this one message and says why; every other valid example is accepted.
  const mislabelled = new Set(['official/SendExamples/Bundle-S-B-new-720f68cf-21bf-4c40-a90c-a113e00e88a8.xml']);

  it('accepts every valid official 5.0 example, XML and JSON, and delivers each with its content intact', async () => {
    const accepted = new Map<string, Json>();
    const refused: string[] = [];
    for (const example of valid) {
      const { res, sent } = await submit(example);
      if (mislabelled.has(example.name)) {
        expect(res.body).toMatchObject({ status: 422, code: 'attachment-type-mismatch' });
        refused.push(example.name);
        continue;
      }
      expect(res.status, `${example.name}: ${JSON.stringify(res.body)}`).toBe(202);
      const bundle = bundleOf(sent);
      expect(res.body.id).toBe(letterIdOfMessageHeader(String(bundle.entry[0].resource.id)));
      // The first of equal MessageHeader ids is what is delivered; later ones are resends.
      if (!accepted.has(res.body.id)) accepted.set(res.body.id, bundle);
    }
    expect(refused).toEqual([...mislabelled]);
    expect(accepted.size).toBeGreaterThanOrEqual(25);
    for (const [letterId, bundle] of accepted) {
      await waitForStatus(letterId, 'delivered');
      const deliveries = stack.receiver.deliveriesOf(letterId);
      expect(deliveries).toHaveLength(1);
      const delivered: Json = readFhirXml(deliveries[0]!.body.toString('utf8'));
      // Each sending carries its own Bundle.id and time (MedCom); the message itself is as sent.
      expect(delivered.id).not.toBe(bundle.id);
      expect(delivered.entry[0].resource.id).toBe(bundle.entry[0].resource.id);
      expect(asSentByTheEpj(delivered, bundle)).toEqual(bundle);
    }
  }, 240_000);

  it.each(invalidCareCommunication50().map((example) => [example.name, example] as const))(
    'refuses the invalid example %s with the MedCom error code and the rule',
    async (_name, example) => {
      const res = await post(example, mediaType(example));
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'medcom-message-invalid', medcomCode: 'MSG_CodeSystem_VALUE_UNKNOWN' });
      expect(res.body.errors.join('\n')).toMatch(/^communication-category: /m);
    },
  );

  it.each(['xml', 'json'] as const)(
    'answers a refused message with a MedCom fatal-error Acknowledgement in FHIR %s when asked for',
    async (format) => {
      const [example] = invalidCareCommunication50();
      const res = await stack
        .api()
        .post('/v1/messages')
        .auth(epjKey, { type: 'bearer' })
        .set('content-type', mediaType(example!))
        .set('accept', `application/fhir+${format}`)
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => done(null, text));
        })
        .send(example!.text);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(`application/fhir+${format}`);
      const text = res.body as string;
      const acknowledgement = readAcknowledgementBundle(
        format === 'xml' ? { fhir: 'xml', text } : { fhir: 'json', json: JSON.parse(text) },
      );
      expect(acknowledgement).toMatchObject({
        code: 'fatal-error',
        acknowledgedMessageHeaderId: String(bundleOf(example!).entry[0].resource.id),
      });
      expect(JSON.stringify(acknowledgement.issues)).toContain('MSG_CodeSystem_VALUE_UNKNOWN');
    },
  );

  it('refuses every 4.0 message for its MessageDefinition', async () => {
    const messages = careCommunication40();
    expect(messages.length).toBeGreaterThanOrEqual(30);
    for (const example of messages) {
      const res = await post(example, mediaType(example));
      expect(res.status, example.name).toBe(422);
      expect(res.body.medcomCode).toBe('MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE');
      expect(res.body.errors.join('\n')).toMatch(/medcom-carecommunication-definition-url/);
    }
  }, 120_000);
});

describe('inbound Bundles go through the same guards as JSON letters', () => {
  const base = valid.find((example) => example.name.includes('Bundle-R-A-new'))!;
  const variant = (change: (bundle: Json) => void): { text: string } => {
    const bundle = bundleOf(base);
    change(bundle);
    return { text: JSON.stringify(bundle) };
  };
  const newHeaderId = (bundle: Json) => {
    const header = bundle.entry[0].resource;
    const id = crypto.randomUUID();
    bundle.entry[0].fullUrl = bundle.entry[0].fullUrl.replace(header.id, id);
    for (const resource of resources(bundle))
      for (const target of resource.target ?? [])
        if (target.reference.endsWith(header.id)) target.reference = `MessageHeader/${id}`;
    header.id = id;
    return id;
  };

  it('a resend with the same MessageHeader.id and a new Bundle.id answers as the first time, delivered once', async () => {
    let id = '';
    const first = variant((bundle) => (id = newHeaderId(bundle)));
    const original = JSON.parse(first.text);
    const again = {
      text: JSON.stringify({ ...original, id: crypto.randomUUID(), timestamp: new Date().toISOString() }),
    };
    const answers = [];
    for (const message of [first, again, { text: writeFhirXml(original as FhirResource) }]) {
      const type = message.text.startsWith('<') ? 'application/fhir+xml' : 'application/fhir+json';
      answers.push(await post(message, type, 'first-contact'));
    }
    expect(answers.map((res) => [res.status, res.body.id])).toEqual([
      [202, id],
      [202, id],
      [202, id],
    ]);
    await waitForStatus(id, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.receiver.deliveriesOf(id)).toHaveLength(1);
  });

  it('the same MessageHeader.id with other content is refused as a duplicate', async () => {
    let id = '';
    const first = variant((bundle) => (id = newHeaderId(bundle)));
    const accepted = await post(first, 'application/fhir+json', 'first-contact');
    expect([accepted.status, accepted.body.id]).toEqual([202, id]);
    const changed = JSON.parse(first.text);
    const communication = resources(changed).find((r) => r.resourceType === 'Communication')!;
    communication.payload[0].contentString = 'Et helt andet brev.';
    const res = await post({ text: JSON.stringify(changed) }, 'application/fhir+json', 'first-contact');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'message-id-reused', medcomCode: 'MSG_DUPLICATE_ID' });
  });

  it('refuses a sending organisation the client may not send for', async () => {
    const res = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .set('content-type', 'application/fhir+json')
      .send(variant(newHeaderId).text);
    expect(res.status).toBe(403);
  });

  it('holds a message whose receiver EAN is not the addressed SOR unit’s until it is confirmed', async () => {
    let id = '';
    const message = variant((bundle) => {
      id = newHeaderId(bundle);
      const receiver = resolve(bundle, bundle.entry[0].resource.destination[0].receiver);
      receiver.identifier.find((i: Json) => String(i.system).endsWith('gln')).value = '5790000000005';
    });
    const held = await post(message, 'application/fhir+json', 'first-contact');
    expect(held.status).toBe(409);
    expect(held.body.warnings).toEqual([
      expect.objectContaining({
        code: 'receiver-ean-differs',
        details: expect.objectContaining({ claimedEan: '5790000000005' }),
      }),
    ]);
    const confirmed = await post(message, 'application/fhir+json', 'first-contact,receiver-ean-differs');
    expect([confirmed.status, confirmed.body.id]).toEqual([202, id]);
  });

  it('refuses an executable named .pdf before asking to confirm any warning', async () => {
    const res = await post(
      variant((bundle) => {
        newHeaderId(bundle);
        const communication = resources(bundle).find((r) => r.resourceType === 'Communication')!;
        communication.payload.push({
          extension: communication.payload[0].extension.slice(0, 2),
          contentAttachment: {
            contentType: 'application/pdf',
            data: windowsExecutable.toString('base64'),
            title: 'Epikrise.pdf',
          },
        });
      }),
      'application/fhir+json',
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toMatch(/^attachment-/);
  });

  it('refuses XML that is not FHIR, and a DOCTYPE, without echoing it', async () => {
    const notFhir = await post({ text: '<letter><cpr>0101010101</cpr></letter>' }, 'application/fhir+xml');
    expect(notFhir.status).toBe(422);
    expect(notFhir.body.medcomCode).toBe('MSG_BAD_SYNTAX');
    expect(JSON.stringify(notFhir.body)).not.toContain('0101010101');
    const doctype = await post(
      { text: '<!DOCTYPE x [<!ENTITY e "e">]><Bundle xmlns="http://hl7.org/fhir"/>' },
      'application/fhir+xml',
    );
    expect(doctype.status).toBe(422);
  });
});
