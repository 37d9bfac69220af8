import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../adapters/test-support/adapter-harness.ts';
import { pause, waitFor } from '../../adapters/test-support/broker-fixture.ts';

/**
 * A copy the broker redelivers after losing a cluster node may already have been delivered by
 * another adapter process whose receipt is still on its way to the gateway.
 */
describe('a redelivered letter this adapter has never seen', () => {
  let harness: AdapterHarness;

  afterEach(async () => {
    await harness.close();
  });

  async function redeliveredLetter(status: string) {
    const { broker } = harness;
    const letter = harness.letter({ status });
    await broker.publishLetter(letter);
    // A consumer that took the message and went away without acking: the broker marks it redelivered.
    const queue = broker.names.letterQueue('gp');
    await waitFor(async () => (await broker.readyCount(queue)) === 1, 'the letter to be queued');
    const taken = await broker.channel.get(queue, { noAck: false });
    if (taken) broker.channel.nack(taken, false, true);
    return letter;
  }

  it('is not delivered when the other adapter’s receipt reaches the gateway during the grace', async () => {
    harness = await createAdapterHarness();
    const letter = await redeliveredLetter('queued');
    const started = Date.now();
    const adapter = await harness.startAdapter({ redeliveryGraceMs: 1500 });
    await pause(500);
    harness.gateway.letters.get(letter.letterId)!.status = 'delivered';
    await waitFor(
      async () => (await harness.broker.readyCount(harness.broker.names.letterQueue('gp'))) === 0,
      'the ack',
    );
    await pause(300);
    await adapter.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(harness.receiver.countFor(letter.letterId)).toBe(0);
  });

  it('is delivered once after the grace when the gateway still has it as queued', async () => {
    harness = await createAdapterHarness();
    const letter = await redeliveredLetter('queued');
    const started = Date.now();
    const adapter = await harness.startAdapter({ redeliveryGraceMs: 1000 });
    await waitFor(() => harness.receiver.countFor(letter.letterId) === 1, 'the delivery');
    const deliveredAfterMs = Date.now() - started;
    await pause(300);
    await adapter.stop();
    expect(deliveredAfterMs).toBeGreaterThanOrEqual(1000);
    expect(harness.receiver.countFor(letter.letterId)).toBe(1);
  });

  it('is dropped at once, without waiting, when the gateway already has it as delivered', async () => {
    harness = await createAdapterHarness();
    const letter = await redeliveredLetter('delivered');
    const started = Date.now();
    const adapter = await harness.startAdapter({ redeliveryGraceMs: 60_000 });
    await waitFor(
      async () => (await harness.broker.readyCount(harness.broker.names.letterQueue('gp'))) === 0,
      'the ack',
    );
    await pause(300);
    await adapter.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(harness.receiver.countFor(letter.letterId)).toBe(0);
  });
});
