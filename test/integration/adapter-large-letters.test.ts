import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, letterXml, type AdapterHarness } from '../../adapters/test-support/adapter-harness.ts';
import { pause } from '../../adapters/test-support/broker-fixture.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** What is still referenced: collected first, so garbage of chunks already passed on does not count. */
const heldBytes = () => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

describe('a large letter passing through the adapter', () => {
  let harness: AdapterHarness;

  afterEach(async () => {
    await harness.close();
  });

  it('is streamed from the claim check to the receiver without being held whole', async () => {
    harness = await createAdapterHarness();
    const { broker, receiver } = harness;
    // 64 MB, about what ten 4.5 MB attachments are once base64-encoded into the XML.
    const xml = Buffer.concat(Array.from({ length: 330 }, () => letterXml)).subarray(0, 64_000_000);
    const letter = harness.letter({ xml });
    await harness.startAdapter();
    const before = heldBytes();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, heldBytes())), 20);
    await broker.publishLetter(letter);
    const [receipt] = await broker.waitForReceipts(1);
    clearInterval(sampler);

    expect(receipt).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ bytes: xml.length, sha256: sha256(xml) });
    // The fake gateway and receiver share this process: all three together stay far below the letter.
    // A copy held whole anywhere would add the letter's full 64 MB; what is in flight in the three
    // parties' stream and socket buffers reached 16.6 MB on a loaded CI machine, so half is the bound.
    expect(peak - before).toBeLessThan(xml.length / 2);
  });

  it('is never passed on cut short when the claim check breaks off, and is delivered whole on the retry', async () => {
    harness = await createAdapterHarness(undefined, [50, 100, 200]);
    const { broker, receiver } = harness;
    const letter = harness.letter({ xmlBreaks: 1 });
    await harness.startAdapter();
    await broker.publishLetter(letter);

    const receipts = await broker.waitForReceipts(2);
    expect(receipts.map(({ outcome, attempt }) => ({ outcome, attempt }))).toEqual([
      { outcome: 'attempt-failed', attempt: 1 },
      { outcome: 'delivered', attempt: 2 },
    ]);
    await pause(200);
    // A receiver only takes a request whose body ended; the broken one never did.
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ bytes: letterXml.length, sha256: sha256(letterXml) });
  });
});
