import { describe, expect, it } from 'vitest';
import { eventHash, genesisHash, type AuditEvent } from './audit.ts';
import { ChainVerifier } from './audit-verify.ts';

/** A chain as gateway/audit.ts writes it. */
function chain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = genesisHash;
  for (let seq = 1; seq <= length; seq += 1) {
    const body = {
      seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), actorId: null, actorName: 'postbud',
      action: 'queued', letterId: null, sorId: null, details: { attempt: seq, nested: { b: 1, a: [1, 'x'] } },
    };
    const hash = eventHash(prevHash, body);
    events.push({ ...body, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

const firstBreak = (events: AuditEvent[]) => {
  const verifier = new ChainVerifier();
  for (const event of events) {
    const broken = verifier.check(event);
    if (broken) return broken;
  }
  return { checked: verifier.checked };
};

describe('ChainVerifier', () => {
  it('accepts a chain as written, whatever the key order of the details', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, details: { nested: { a: [1, 'x'], b: 1 }, attempt: 3 } };
    expect(firstBreak(events)).toEqual({ checked: 5 });
  });

  it('names the edited event', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, actorName: 'someone else' };
    expect(firstBreak(events)).toEqual({ seq: 3, reason: 'hash-mismatch' });
  });

  it('names the first missing sequence number of a deletion', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(firstBreak(events)).toEqual({ seq: 2, reason: 'missing' });
  });

  it('notices an event rehashed to hide an edit at the next link', () => {
    const events = chain(5);
    const { hash: _hash, prevHash, ...body } = { ...events[1]!, action: 'delivered' };
    events[1] = { ...body, prevHash, hash: eventHash(prevHash, body) };
    expect(firstBreak(events)).toEqual({ seq: 3, reason: 'prev-hash-mismatch' });
  });

  it('notices a time changed by a millisecond', () => {
    const events = chain(3);
    events[0] = { ...events[0]!, at: new Date(Date.parse(events[0]!.at) + 1).toISOString() };
    expect(firstBreak(events)).toEqual({ seq: 1, reason: 'hash-mismatch' });
  });
});
