import { signatureHeader } from '../../schemas/queue-signature.ts';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../adapters/kit/http-transport.ts';
import { createAdapterHarness, letterXml, type AdapterHarness } from '../../adapters/test-support/adapter-harness.ts';
import { pause, waitFor } from '../../adapters/test-support/broker-fixture.ts';
import type { Responder } from '../../adapters/test-support/fake-receiver.ts';

const xmlSha256 = createHash('sha256').update(letterXml).digest('hex');

describe('a letter on its way from the gp queue to the receiving system', () => {
  let harness: AdapterHarness;
  const setUp = async (respond?: Responder) => (harness = await createAdapterHarness(respond, [50, 100, 200]));

  afterEach(async () => {
    await harness.close();
  });

  it('reaches the mailbox endpoint byte for byte, with its id as idempotency key, and is reported delivered', async () => {
    const { broker, receiver } = await setUp();
    const letter = harness.letter({ endpoint: `${receiver.url}/clinic-42` });
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({
      letterId: letter.letterId,
      sector: 'gp',
      outcome: 'delivered',
      attempt: 1,
      httpStatus: 200,
      endpoint: `${receiver.url}/clinic-42`,
    });
    expect(Date.parse(receipt?.at ?? '')).not.toBeNaN();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request).toMatchObject({ path: '/clinic-42', bytes: letterXml.length, sha256: xmlSha256 });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/fhir+xml',
      'x-postbud-letter-id': letter.letterId,
      'idempotency-key': letter.letterId,
    });
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);
  });

  it('is retried after two 503s from the sector default endpoint and delivered exactly once', async () => {
    const { broker, receiver, gateway } = await setUp((_request, n) => (n <= 2 ? 503 : 200));
    const letter = harness.letter();
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const receipts = await broker.waitForReceipts(3);
    expect(receipts.map(({ outcome, attempt, httpStatus }) => ({ outcome, attempt, httpStatus }))).toEqual([
      { outcome: 'attempt-failed', attempt: 1, httpStatus: 503 },
      { outcome: 'attempt-failed', attempt: 2, httpStatus: 503 },
      { outcome: 'delivered', attempt: 3, httpStatus: 200 },
    ]);
    expect(receipts[0]?.error).toBe('receiver answered HTTP 503');
    await pause(400);
    expect(receiver.received.map((request) => request.path)).toEqual(['/gp', '/gp', '/gp']);
    expect(receiver.received.filter((request) => request.answered === 200)).toHaveLength(1);
    expect(receiver.received.every((request) => request.sha256 === xmlSha256)).toBe(true);
    // Each attempt learnt from the claim check whether the letter had been delivered meanwhile.
    expect(gateway.xmlFetches).toEqual([letter.letterId, letter.letterId, letter.letterId]);
    expect(gateway.statusLookups).toEqual([]);
    expect(await broker.readyCount(broker.names.deadLetterQueue('gp'))).toBe(0);
  });

  it('ends in the dead-letter queue with a failed receipt when the receiver stays down', async () => {
    const { broker, receiver } = await setUp(() => 503);
    const letter = harness.letter();
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const receipts = await broker.waitForReceipts(4);
    expect(receipts.map(({ outcome, attempt }) => `${outcome}#${attempt}`)).toEqual([
      'attempt-failed#1',
      'attempt-failed#2',
      'attempt-failed#3',
      'failed#4',
    ]);
    expect(receipts[3]?.error).toBe('receiver answered HTTP 503; gave up after 4 attempts');
    const [dead] = await broker.waitForMessages(broker.names.deadLetterQueue('gp'), 1);
    expect(dead?.properties.messageId).toBe(letter.letterId);
    expect(dead?.properties.headers).toMatchObject({
      'x-postbud-attempt': 4,
      'x-postbud-dead-letter-reason': 'receiver answered HTTP 503; gave up after 4 attempts',
    });
    expect(JSON.parse(dead?.content.toString() ?? '{}')).toEqual(letter);
    expect(receiver.countFor(letter.letterId)).toBe(4);
  });

  it('is failed at once when the receiver answers 400, and never retried', async () => {
    const { broker, receiver } = await setUp(() => 400);
    const letter = harness.letter();
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      httpStatus: 400,
      error: 'receiver answered HTTP 400',
    });
    await pause(400);
    expect(receiver.countFor(letter.letterId)).toBe(1);
    expect(await broker.readyCount(broker.names.deadLetterQueue('gp'))).toBe(0);
    for (const delayMs of broker.retryDelaysMs) {
      expect(await broker.readyCount(broker.names.retryQueue('gp', delayMs))).toBe(0);
    }
    expect(await broker.readyCount(broker.names.receiptsQueue)).toBe(0);
  });

  it('waits out a gateway that is briefly down, then delivers', async () => {
    const { broker, receiver } = await setUp();
    const letter = harness.letter({ xmlFailures: [503] });
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const receipts = await broker.waitForReceipts(2);
    expect(receipts[0]).toMatchObject({
      outcome: 'attempt-failed',
      attempt: 1,
      error: 'gateway answered HTTP 503 for the letter',
    });
    expect(receipts[0]).not.toHaveProperty('httpStatus');
    expect(receipts[1]).toMatchObject({ outcome: 'delivered', attempt: 2 });
    expect(receiver.countFor(letter.letterId)).toBe(1);
  });

  it('is failed when the gateway no longer has the letter', async () => {
    const { broker, receiver } = await setUp();
    const letter = harness.letter({ known: false });
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({ outcome: 'failed', attempt: 1, error: 'gateway answered HTTP 404 for the letter' });
    expect(receiver.received).toHaveLength(0);
  });

  it('goes to the dead-letter queue with the reason when the message is not a LetterQueued', async () => {
    const { broker } = await setUp();
    await harness.startAdapter();
    const content = Buffer.from(JSON.stringify({ letterId: 'not-a-uuid', sector: 'gp' }));
    await broker.publishRaw('gp', content, { [signatureHeader]: broker.signer.sign('LetterQueued', content) });

    const [dead] = await broker.waitForMessages(broker.names.deadLetterQueue('gp'), 1);
    expect(String(dead?.properties.headers?.['x-postbud-dead-letter-reason'])).toMatch(
      /^invalid message: body is not a LetterQueued/,
    );
    await pause(200);
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);
    expect(await broker.readyCount(broker.names.receiptsQueue)).toBe(0);
  });

  it('goes to the dead-letter queue, undelivered, when the gateway did not sign it', async () => {
    const { broker, receiver } = await setUp();
    await harness.startAdapter();
    const letter = harness.letter({ endpoint: `${receiver.url}/elsewhere` });
    await broker.publishRaw('gp', Buffer.from(JSON.stringify(letter)));

    const [dead] = await broker.waitForMessages(broker.names.deadLetterQueue('gp'), 1);
    expect(String(dead?.properties.headers?.['x-postbud-dead-letter-reason'])).toBe(
      'invalid message: signature missing or invalid',
    );
    await pause(200);
    expect(receiver.received).toHaveLength(0);
    expect(await broker.readyCount(broker.names.receiptsQueue)).toBe(0);
  });

  it('is sent again, with the same idempotency key, when the receiver answers too late', async () => {
    const { broker, receiver } = await setUp((_request, n) => (n === 1 ? pause(800).then(() => 200) : 200));
    const letter = harness.letter();
    await harness.startAdapter({ transport: createHttpTransport({ timeoutMs: 300 }) });
    await broker.publishLetter(letter);

    const receipts = await broker.waitForReceipts(2);
    expect(receipts[0]).toMatchObject({
      outcome: 'attempt-failed',
      attempt: 1,
      error: 'receiver did not answer within 300 ms',
    });
    expect(receipts[1]).toMatchObject({ outcome: 'delivered', attempt: 2 });
    expect(receiver.received.map((request) => request.headers['idempotency-key'])).toEqual([
      letter.letterId,
      letter.letterId,
    ]);
  });

  it('finishes a delivery in flight before stop() resolves', async () => {
    const { broker, receiver } = await setUp(() => pause(300).then(() => 200));
    const letter = harness.letter();
    const adapter = await harness.startAdapter();
    await broker.publishLetter(letter);
    await waitFor(() => receiver.received.length === 1, 'the receiver to get the letter');

    await adapter.stop();
    expect(receiver.received[0]?.answered).toBe(200);
    expect(await broker.readyCount(broker.names.receiptsQueue)).toBe(1);
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);
  });
});
