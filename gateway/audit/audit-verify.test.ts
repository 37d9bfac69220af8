import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, genesisHash, type AuditEvent } from './audit-trail.ts';
import { canonicalBody, ChainVerifier } from './audit-verify.ts';

/** A chain as gateway/audit/audit-trail.ts writes it. */
function chain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = genesisHash;
  for (let seq = 1; seq <= length; seq += 1) {
    const body = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actorId: null,
      actorName: 'postbud',
      action: 'queued',
      letterId: null,
      sorId: null,
      details: { attempt: seq, nested: { b: 1, a: [1, 'x'] } },
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

describe("verify's fast serialiser", () => {
  it('checks events whose details hold every kind of JSON value, unicode keys and odd key orders', () => {
    const details = [
      {},
      { z: 1, a: null, æ: 'ø', Z: [true, false, 1.5, -0, 1e21, 'x"y\\z\n'] },
      { nested: { '': [], b: { d: 1, c: 2 } } },
      { emoji: '😀', '\u2028': 'line separator', aa: 1, a: 2, 'a\u0000': 3 },
    ];
    let prevHash = genesisHash;
    const events: AuditEvent[] = details.map((detail, i) => {
      // Read back through JSON, as from the jsonb column.
      const body = {
        seq: i + 1,
        at: '2026-01-01T00:00:00.000Z',
        actorId: i % 2 ? null : '6f1c',
        actorName: 'Ærø "Kommune"',
        action: 'accepted',
        letterId: null,
        sorId: i % 2 ? '200011000016004' : null,
        details: JSON.parse(JSON.stringify(detail)),
      };
      expect(canonicalBody(body)).toBe(canonicalJson(body));
      const hash = eventHash(prevHash, body);
      const event = { ...body, prevHash, hash };
      prevHash = hash;
      return event;
    });
    expect(firstBreak(events)).toEqual({ checked: details.length });
  });
});
