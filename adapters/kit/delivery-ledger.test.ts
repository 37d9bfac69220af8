import { describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../schemas/queue-messages.ts';
import { DeliveryLedger } from './delivery-ledger.ts';

const receipt = (letterId: string) => ({ letterId, outcome: 'delivered', attempt: 1 }) as unknown as DeliveryReceipt;

describe('receipts that died with their broker node', () => {
  it('keeps a delivered letter unreported until its receipt is confirmed', () => {
    const ledger = new DeliveryLedger();
    ledger.remember('a', { outcome: 'delivered', attempt: 1, receipt: receipt('a'), reported: false });
    ledger.remember('b', { outcome: 'delivered', attempt: 1, receipt: receipt('b'), reported: false });
    ledger.remember('c', { outcome: 'handed-on', attempt: 1 });
    ledger.markReported('a');
    expect(ledger.unreported().map((entry) => entry.letterId)).toEqual(['b']);
    ledger.markReported('b');
    expect(ledger.unreported()).toEqual([]);
    expect(ledger.recall('b')).toMatchObject({ outcome: 'delivered', reported: true });
  });
});
