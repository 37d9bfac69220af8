import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../adapters/test-support/adapter-harness.ts';
import { pause, testAmqpUrl, waitFor } from '../../adapters/test-support/broker-fixture.ts';

describe('an adapter whose RabbitMQ node goes away mid-delivery', () => {
  let harness: AdapterHarness;

  afterEach(async () => {
    await harness.close();
  });

  it('moves to the next node of AMQP_URL, reports the delivery there, and nobody delivers it again', async () => {
    const waiting: Array<(status: number) => void> = [];
    harness = await createAdapterHarness(() => new Promise<number>((resolve) => waiting.push(resolve)));
    const { broker, gateway, receiver } = harness;
    // The first "node" is a proxy that can vanish; the second is the broker itself.
    const node = await harness.startProxy();
    await harness.startAdapter({ amqpUrl: `${node.url},${testAmqpUrl}` });
    const letter = harness.letter();
    await broker.publishLetter(letter);
    await waitFor(() => receiver.received.length === 1, 'the receiver to get the letter');

    // Another adapter process, already on a node that stays, is handed the unacked copy and waits.
    await harness.startAdapter({ redeliveryGraceMs: 2000 });
    node.refuseNew = true;
    node.cutAll();
    await pause(200);
    waiting.splice(0).forEach((answer) => answer(200));

    // The receipt that died with the node is re-published from the next node.
    const [receipt] = await broker.waitForReceipts(1);
    expect(receipt).toMatchObject({ letterId: letter.letterId, outcome: 'delivered', attempt: 1 });
    // What the gateway's receipt consumer records on seeing it.
    gateway.letters.get(letter.letterId)!.status = 'delivered';
    await waitFor(
      async () => (await broker.readyCount(broker.names.letterQueue('gp'))) === 0,
      'the copy to be settled',
    );
    await pause(2500);
    expect(receiver.countFor(letter.letterId)).toBe(1);
    expect(await broker.readyCount(broker.names.letterQueue('gp'))).toBe(0);

    // And the adapter keeps delivering on the node it moved to.
    const next = harness.letter();
    await broker.publishLetter(next);
    await waitFor(() => waiting.length === 1, 'the next letter to reach the receiver');
    waiting.splice(0).forEach((answer) => answer(200));
    await broker.waitForReceipts(1);
    expect(receiver.countFor(next.letterId)).toBe(1);
  });
});
