import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import { readAcknowledgementBundle } from '../../gateway/acknowledgements/acknowledgement-bundle-read.ts';
import { readFhirXml, type FhirResource } from '../../gateway/medcom/fhir-xml-read.ts';
import { writeFhirXml } from '../../gateway/medcom/fhir-xml-write.ts';
import { runSendScript } from '../support/acknowledgement-testscripts.ts';
import { ean, sorIds, testLetter } from '../support/fixtures.ts';
import { acknowledgementExamples, acknowledgementTestScripts, medcomDir } from '../support/medcom-material.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

// MedCom's JSON is changed freely here, as a receiving system fills in its template.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const bearer = { type: 'bearer' } as const;
const sor = 'urn:oid:1.2.208.176.1.1';
const gln = 'https://www.gs1.org/gln';
const endpoint = (sorId: string) => `https://sor2.sum.dsdn.dk/#id=${sorId}`;
/** The test directory's parties: the psychiatry unit sends, the municipal social psychiatry receives and acknowledges. */
const letterSender = { sorId: sorIds.psychiatryUnit, ean: ean('579000010002') };
const letterRecipient = { sorId: sorIds.socialPsychiatry, ean: ean('579000020002') };

async function deliveredLetter(): Promise<string> {
  const res = await stack.api().post('/v1/messages').auth(stack.senderKey, bearer).send(testLetter());
  expect(res.status).toBe(202);
  await waitForStatus(stack, res.body.id, 'delivered');
  return res.body.id as string;
}

const templates: Record<ResponseCode, string> = {
  ok: 'a8c041b8-c65a-4fde-a90f-962076918834',
  'transient-error': 'c9c2b2f6-0807-11ed-861d-0242ac120002',
  'fatal-error': 'bc9535ef-ed94-4060-a928-7baddec7ee71',
};

/**
 * An Acknowledgement Bundle as a receiving system makes it: MedCom's IG example for the code,
 * filled in with the letter's MessageHeader.id, the two organisations and a MessageHeader.id of its own.
 */
function acknowledgementOf(
  letterHeaderId: string,
  code: ResponseCode,
  headerId: string = randomUUID(),
  parties = { sender: letterSender, recipient: letterRecipient },
): Json {
  const template = acknowledgementExamples().find((e) => e.name.endsWith(`${templates[code]}.json`))!;
  const bundle: Json = JSON.parse(template.text);
  const byType = (type: string) => bundle.entry.filter((e: Json) => e.resource.resourceType === type);
  const [header] = byType('MessageHeader').map((e: Json) => e.resource);
  bundle.id = randomUUID();
  bundle.entry[0].fullUrl = `https://receiver.example/fhir/MessageHeader/${headerId}`;
  header.id = headerId;
  header.response.identifier = letterHeaderId;
  header.destination[0].endpoint = endpoint(parties.sender.sorId);
  header.source.endpoint = endpoint(parties.recipient.sorId);
  const [letterProvenance, ackProvenance] = byType('Provenance').map((e: Json) => e.resource);
  letterProvenance.target[0].reference = `MessageHeader/${letterHeaderId}`;
  ackProvenance.target[0].reference = `MessageHeader/${headerId}`;
  ackProvenance.entity[0].what.reference = `MessageHeader/${letterHeaderId}`;
  const identify = (reference: string, party: { sorId: string; ean: string }) => {
    const organization = bundle.entry.find((e: Json) => reference.endsWith(`/${e.resource.id}`)).resource;
    organization.identifier = [
      { system: gln, value: party.ean },
      { system: sor, value: party.sorId },
    ];
  };
  identify(header.sender.reference, parties.recipient);
  identify(header.destination[0].receiver.reference, parties.sender);
  return bundle;
}

const post = (bundle: Json, format: 'json' | 'xml', key = stack.adapterKey) =>
  stack
    .api()
    .post('/v1/acknowledgements')
    .auth(key, bearer)
    .set('content-type', `application/fhir+${format}`)
    .send(format === 'json' ? JSON.stringify(bundle) : writeFhirXml(bundle as FhirResource));

async function acknowledgementFor(letterId: string, format: 'json' | 'xml' = 'json', key = stack.senderKey) {
  const res = await stack
    .api()
    .get(`/v1/messages/${letterId}/acknowledgement`)
    .auth(key, bearer)
    .set('accept', `application/fhir+${format}`)
    .buffer(true)
    .parse((response, done) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => done(null, text));
    });
  return { res, text: res.body as string };
}

async function eventsOf(letterId: string): Promise<Array<{ action: string; actor: string; details: Json }>> {
  const res = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, bearer);
  return res.body.events;
}

const ackEvents = <T extends { action: string }>(events: T[]) =>
  events.filter((e) => ['acknowledged', 'rejected', 'acknowledgement-transient-error'].includes(e.action));

describe('MedCom Acknowledgement Bundles, both ways, on the real stack', () => {
  const cases = (['json', 'xml'] as const).flatMap((format) =>
    (['ok', 'transient-error', 'fatal-error'] as const).map((code) => [format, code] as const),
  );
  const statusAfter: Record<ResponseCode, string> = {
    ok: 'acknowledged',
    'transient-error': 'delivered',
    'fatal-error': 'rejected',
  };

  it.each(cases)('round trip: %s, %s', async (format, code) => {
    const letterId = await deliveredLetter();
    const sent = acknowledgementOf(letterId, code);
    const res = await post(sent, format);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      messageId: letterId,
      status: statusAfter[code],
      code,
      acknowledgementId: sent.entry[0].resource.id,
      duplicate: false,
    });
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, bearer);
    expect(status.body).toMatchObject({ status: statusAfter[code], acknowledgement: { code } });

    for (const accept of ['json', 'xml'] as const) {
      const { res: got, text } = await acknowledgementFor(letterId, accept);
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe(`application/fhir+${accept}; charset=utf-8`);
      const bundle: Json = accept === 'json' ? JSON.parse(text) : readFhirXml(text);
      const read = readAcknowledgementBundle(
        accept === 'json' ? { fhir: 'json', json: bundle } : { fhir: 'xml', text },
      );
      const sentOutcome = sent.entry.find((e: Json) => e.resource.resourceType === 'OperationOutcome')?.resource;
      expect(read).toMatchObject({
        messageHeaderId: sent.entry[0].resource.id,
        acknowledgedMessageHeaderId: letterId,
        code,
        issues: sentOutcome ? sentOutcome.issue : [],
        sender: letterRecipient,
        receiver: letterSender,
      });
      expect(bundle.id).not.toBe(sent.id);
    }
  });

  it('transient-error, then ok: the letter stays open and the ok still counts', async () => {
    const letterId = await deliveredLetter();
    expect((await post(acknowledgementOf(letterId, 'transient-error'), 'xml')).body.status).toBe('delivered');
    const ok = await post(acknowledgementOf(letterId, 'ok'), 'json');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'acknowledged', code: 'ok', duplicate: false });
    const { text } = await acknowledgementFor(letterId);
    expect(JSON.parse(text).entry[0].resource.response.code).toBe('ok');
    expect(ackEvents(await eventsOf(letterId)).map((e) => e.action)).toEqual([
      'acknowledgement-transient-error',
      'acknowledged',
    ]);
  });

  it('transient-error, then fatal-error: rejected with the fatal-error’s codes', async () => {
    const letterId = await deliveredLetter();
    await post(acknowledgementOf(letterId, 'transient-error'), 'json');
    const fatal = await post(acknowledgementOf(letterId, 'fatal-error'), 'xml');
    expect(fatal.body).toMatchObject({ status: 'rejected', code: 'fatal-error' });
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, bearer);
    expect(status.body.acknowledgement.issues[0].details.coding[0].code).toBe('MSG_VALUESET_VALUE_UNKNOWN');
  });

  it('the same acknowledgement twice (a resend with a new Bundle.id) is answered alike and recorded once', async () => {
    const letterId = await deliveredLetter();
    const transient = acknowledgementOf(letterId, 'transient-error');
    expect((await post(transient, 'json')).body.duplicate).toBe(false);
    const resend = { ...structuredClone(transient), id: randomUUID() };
    const again = await post(resend, 'xml');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'delivered', duplicate: true });
    await post(acknowledgementOf(letterId, 'ok'), 'json');
    // A late copy of the transient-error changes nothing after the ok.
    const late = await post(transient, 'json');
    expect(late.body).toMatchObject({ status: 'acknowledged', code: 'transient-error', duplicate: true });
    expect(ackEvents(await eventsOf(letterId))).toHaveLength(2);
  });

  it('ok after fatal-error is refused with 409 problem+json; the rejection stands', async () => {
    const letterId = await deliveredLetter();
    await post(acknowledgementOf(letterId, 'fatal-error'), 'json');
    const ok = await post(acknowledgementOf(letterId, 'ok'), 'xml');
    expect(ok.status).toBe(409);
    expect(ok.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ok.body).toMatchObject({ code: 'letter-state-conflict' });
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, bearer);
    expect(status.body).toMatchObject({ status: 'rejected', acknowledgement: { code: 'fatal-error' } });
  });

  it('keeps the MedCom code and text in the audit trail, by the acknowledging client', async () => {
    const letterId = await deliveredLetter();
    const sent = acknowledgementOf(letterId, 'transient-error');
    const outcome = sent.entry.find((e: Json) => e.resource.resourceType === 'OperationOutcome').resource;
    outcome.issue[0].details.text = 'Postkassen åbner igen mandag';
    await post(sent, 'xml');
    const [event] = ackEvents(await eventsOf(letterId));
    expect(event).toMatchObject({
      action: 'acknowledgement-transient-error',
      details: {
        form: 'bundle',
        responseCode: 'transient-error',
        acknowledgementId: sent.entry[0].resource.id,
        bundleId: sent.id,
        issues: [
          {
            severity: 'error',
            code: 'value',
            details: {
              coding: [
                {
                  system: 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-acknowledgement-error-codes',
                  code: 'MSG_Mailbox_Out_Of_Operation',
                },
              ],
              text: 'Postkassen åbner igen mandag',
            },
          },
        ],
      },
    });
    expect(event!.actor).toBeTruthy();
  });

  it('refuses a broken Bundle with its rules named, and stores nothing', async () => {
    const letterId = await deliveredLetter();
    const broken = acknowledgementOf(letterId, 'fatal-error');
    broken.entry = broken.entry.filter((e: Json) => e.resource.resourceType !== 'OperationOutcome');
    const res = await post(broken, 'xml');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'acknowledgement-invalid', medcomCode: 'MSG_RESOURCE_REQUIRED' });
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^medcom-acknowledgement-1: /)]));
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, bearer);
    expect(status.body.status).toBe('delivered');
    expect(status.body.acknowledgement).toBeUndefined();
    expect(ackEvents(await eventsOf(letterId))).toEqual([]);
  });

  it('refuses an acknowledgement from another organisation than the letter’s recipient, and a reused MessageHeader.id', async () => {
    const letterId = await deliveredLetter();
    const stranger = acknowledgementOf(letterId, 'ok');
    const organization = stranger.entry.find((e: Json) =>
      stranger.entry[0].resource.sender.reference.endsWith(e.resource.id),
    );
    organization.resource.identifier = [
      { system: gln, value: ean('579000030001') },
      { system: sor, value: sorIds.gpClinic },
    ];
    const refused = await post(stranger, 'json');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('acknowledgement-parties-mismatch');

    const first = acknowledgementOf(letterId, 'ok');
    expect((await post(first, 'json')).status).toBe(200);
    const other = await deliveredLetter();
    const reused = await post(acknowledgementOf(other, 'ok', first.entry[0].resource.id), 'json');
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'acknowledgement-id-reused', medcomCode: 'MSG_DUPLICATE_ID' });
  });

  it('GET answers 404 until acknowledged, to the letter’s sender only, with a new Bundle.id and timestamp each time', async () => {
    const letterId = await deliveredLetter();
    const before = await acknowledgementFor(letterId);
    expect(before.res.status).toBe(404);
    expect(JSON.parse(before.text)).toMatchObject({ code: 'acknowledgement-not-found' });
    await post(acknowledgementOf(letterId, 'ok'), 'json');

    const other = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, bearer)
      .send({ name: 'Another EPJ', roles: ['sender'], senders: [sorIds.gpClinic] });
    expect((await acknowledgementFor(letterId, 'json', other.body.key)).res.status).toBe(404);
    expect((await acknowledgementFor(letterId, 'json', stack.adapterKey)).res.status).toBe(200);

    const first = JSON.parse((await acknowledgementFor(letterId)).text);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = JSON.parse((await acknowledgementFor(letterId)).text);
    expect(second.id).not.toBe(first.id);
    expect(second.timestamp).not.toBe(first.timestamp);
    expect(second.entry[0].resource.id).toBe(first.entry[0].resource.id);

    const noAccept = await stack.api().get(`/v1/messages/${letterId}/acknowledgement`).auth(stack.senderKey, bearer);
    expect(noAccept.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const html = await stack
      .api()
      .get(`/v1/messages/${letterId}/acknowledgement`)
      .auth(stack.senderKey, bearer)
      .set('accept', 'text/html');
    expect(html.status).toBe(406);
  });
});

describe('a letter an EPJ sent as a MedCom Bundle', () => {
  it('is found by its MessageHeader.id, and its acknowledgement names that id and the letter’s activity', async () => {
    // MedCom's reply example R-B, from a hospital department to a GP clinic.
    const hospital = { sorId: '265161000016000', ean: '5790000209354' };
    const clinic = { sorId: '382871000016004', ean: '5790001387419' };
    for (const [party, name, sector] of [
      [hospital, 'Hjerteafdelingen på Herlev og Gentofte hospital', 'region'],
      [clinic, 'Arden Lægehus', 'gp'],
    ] as const) {
      const res = await stack
        .api()
        .post('/v1/directory/mailboxes')
        .auth(stack.adminKey, bearer)
        .send({ ...party, name, sector, accepts: ['CareCommunication'] });
      expect(res.status).toBe(201);
    }
    const epj = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, bearer)
      .send({ name: 'Hospital EPJ', roles: ['sender'], senders: [hospital.sorId] });
    const xml = readFileSync(`${medcomDir}Bundle-R-B-reply-91b4b79a-520f-48cb-bb9a-9c3e27301968.xml`, 'utf8');
    const submit = (warnings = '') =>
      stack
        .api()
        .post('/v1/messages')
        .auth(epj.body.key, bearer)
        .set('content-type', 'application/fhir+xml')
        .set('postbud-acknowledged-warnings', warnings)
        .send(xml);
    let submitted = await submit();
    if (submitted.status === 409)
      submitted = await submit(submitted.body.warnings.map((w: { code: string }) => w.code).join(','));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const headerId = '8daf0286-2477-4766-8ed2-cc76970e44b1';
    expect(submitted.body.id).toBe(headerId);
    for (let tries = 0; ; tries += 1) {
      const res = await stack.api().get(`/v1/messages/${headerId}`).auth(epj.body.key, bearer);
      if (res.body.status === 'delivered') break;
      if (tries > 400) throw new Error(`letter is ${res.body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ack = await post(
      acknowledgementOf(headerId, 'ok', randomUUID(), { sender: hospital, recipient: clinic }),
      'json',
    );
    expect(ack.body).toMatchObject({ messageId: headerId, status: 'acknowledged' });
    const { res, text } = await acknowledgementFor(headerId, 'json', epj.body.key);
    expect(res.status).toBe(200);
    const resources = JSON.parse(text).entry.map((e: Json) => e.resource);
    expect(resources[0].response.identifier).toBe(headerId);
    expect(resources.find((r: Json) => r.resourceType === 'Provenance')).toMatchObject({
      target: [{ reference: `MessageHeader/${headerId}` }],
      activity: { coding: [{ code: 'reply-message' }] },
    });
  });
});

describe('MedCom’s acknowledgement send TestScripts against what Postbud relays', () => {
  const sendScripts = acknowledgementTestScripts().filter(({ name }) => name.includes('-send-'));

  it.each(sendScripts.map(({ name, script }) => [name.split('/').pop()!, script] as const))(
    '%s',
    async (_name, script) => {
      const letters: string[] = [];
      const outcome = await runSendScript(
        script as Json,
        async (code, messageIndex) => {
          letters[messageIndex] ??= await deliveredLetter();
          const letterId = letters[messageIndex]!;
          expect((await post(acknowledgementOf(letterId, code), 'xml')).status).toBe(200);
          const { text } = await acknowledgementFor(letterId, 'xml');
          return { bundle: readFhirXml(text), acknowledgedMessageHeaderId: letterId };
        },
        (bundle) => {
          try {
            readAcknowledgementBundle({ fhir: 'json', json: bundle });
            return true;
          } catch {
            return false;
          }
        },
      );
      expect(outcome.failed).toEqual([]);
      expect(outcome.passed).toHaveLength(_name.includes('duplicate') ? 22 : 10);
    },
  );
});
