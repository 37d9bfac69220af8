import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../adapters/test-support/adapter-harness.ts';
import { pause, testAmqpUrl, waitFor } from '../../adapters/test-support/broker-fixture.ts';

/** A receiver whose answers the test releases by hand, to crash things while it is "thinking". */
function heldAnswers() {
  const waiting: Array<(status: number) => void> = [];
  return {
    respond: () => new Promise<number>((resolve) => waiting.push(resolve)),
    release: (status = 200) => waiting.splice(0).forEach((answer) => answer(status)),
  };
}

describe('a letter the broker hands out more than once', () => {
  let harness: AdapterHarness;

  afterEach(async () => {
    await harness.close();
  });

  it('is not delivered again when the gateway already has it as delivered', async () => {
    harness = await createAdapterHarness();
    const { broker, gateway, receiver } = harness;
    const letter = harness.letter({ status: 'delivered' });
    await broker.publishLetter(letter);
    // A consumer that took the message and went away without acking: the broker marks it redelivered.
    const queue = broker.names.letterQueue('gp');
    await waitFor(async () => (await broker.readyCount(queue)) === 1, 'the letter to be queued');
    const taken = await broker.channel.get(queue, { noAck: false });
    expect(taken).not.toBe(false);
    if (taken) broker.channel.nack(taken, false, true);

    const adapter = await harness.startAdapter();
    await waitFor(() => gateway.xmlFetches.includes(letter.letterId), 'the claim check');
    await adapter.stop();

    expect(receiver.received).toHaveLength(0);
    expect(await broker.readyCount(queue)).toBe(0);
    expect(await broker.readyCount(broker.names.receiptsQueue)).toBe(0);
  });

  it('reaches the receiver once when the adapter dies after its receipt but before its ack', async () => {
    const held = heldAnswers();
    harness = await createAdapterHarness(held.respond);
    const { broker, gateway, receiver } = harness;
    const proxy = await harness.startProxy();
    const letter = harness.letter();
    const first = await harness.startAdapter({ amqpUrl: proxy.url });
    await broker.publishLetter(letter);
    await waitFor(() => receiver.received.length === 1, 'the receiver to get the letter');

    // The first adapter's ack never reaches the broker, and its process stays gone.
    const cut = proxy.cutOnNextAck();
    proxy.refuseNew = true;
    held.release(200);
    await cut;
    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({ letterId: letter.letterId, outcome: 'delivered', attempt: 1 });
    // What the gateway's receipt consumer records on seeing that receipt.
    const known = gateway.letters.get(letter.letterId);
    if (known) known.status = 'delivered';

    const second = await harness.startAdapter({ amqpUrl: testAmqpUrl });
    await waitFor(
      () => gateway.xmlFetches.filter((id) => id === letter.letterId).length === 2,
      'the second adapter to check the status',
    );
    await second.stop();
    await first.stop();

    expect(receiver.countFor(letter.letterId)).toBe(1);
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);
  });

  it('reaches the receiver once when the connection drops while the receiver is still answering', async () => {
    const held = heldAnswers();
    harness = await createAdapterHarness(held.respond);
    const { broker, gateway, receiver } = harness;
    const proxy = await harness.startProxy();
    const letter = harness.letter();
    const adapter = await harness.startAdapter({ amqpUrl: proxy.url });
    await broker.publishLetter(letter);
    await waitFor(() => receiver.received.length === 1, 'the receiver to get the letter');

    // A broker blip: the unacked letter is redelivered to the reconnected adapter at once, while
    // its first copy is still waiting for the receiver.
    proxy.cutAll();
    await waitFor(() => proxy.accepted() >= 2, 'the adapter to reconnect');
    await pause(300);
    held.release(200);

    // Gateway status stays `queued` here: only the adapter's own memory prevents a second delivery.
    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({ letterId: letter.letterId, outcome: 'delivered', attempt: 1 });
    await adapter.stop();
    expect(receiver.countFor(letter.letterId)).toBe(1);
    // Only the first copy asked the gateway; the redelivered one was settled by the ledger.
    expect(gateway.xmlFetches).toEqual([letter.letterId]);
    expect(gateway.statusLookups).toEqual([]);
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);
  });

  it('keeps delivering after the broker connection drops between letters', async () => {
    harness = await createAdapterHarness();
    const { broker, receiver } = harness;
    const proxy = await harness.startProxy();
    await harness.startAdapter({ amqpUrl: proxy.url });
    const before = harness.letter();
    await broker.publishLetter(before);
    await broker.waitForReceipts(1);

    proxy.cutAll();
    const after = harness.letter();
    await broker.publishLetter(after);
    const receipts = await broker.waitForReceipts(2);
    expect(receipts.map((receipt) => [receipt.letterId, receipt.outcome])).toEqual([
      [before.letterId, 'delivered'],
      [after.letterId, 'delivered'],
    ]);
    expect(receiver.received.map((request) => request.letterId)).toEqual([before.letterId, after.letterId]);
  });

  it('waits for a broker that is down at start-up, then consumes', async () => {
    harness = await createAdapterHarness();
    const { broker, receiver } = harness;
    const proxy = await harness.startProxy();
    proxy.refuseNew = true;
    let started = false;
    const starting = harness.startAdapter({ amqpUrl: proxy.url }).then(() => (started = true));
    await waitFor(() => proxy.accepted() >= 3, 'a few refused connection attempts');
    expect(started).toBe(false);

    proxy.refuseNew = false;
    await starting;
    const letter = harness.letter();
    await broker.publishLetter(letter);
    await broker.waitForReceipts(1);
    expect(receiver.countFor(letter.letterId)).toBe(1);
  });
});
