import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startDemoReceiver } from './demo-receiver.ts';

describe('the demo receiving system for development', () => {
  it('accepts a letter per sector and logs only its id, size and hash', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const receiver = await startDemoReceiver(0, pino({ level: 'info' }, sink));
    try {
      const xml = '<Bundle><patient>0101011234 Jens Hansen</patient></Bundle>';
      const answer = await fetch(`${receiver.url}/municipality`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+xml', 'x-postbud-letter-id': 'letter-1' },
        body: xml,
      });
      expect(answer.status).toBe(200);
      expect((await fetch(`${receiver.url}/dentist`, { method: 'POST', body: xml })).status).toBe(404);
      expect((await fetch(`${receiver.url}/gp`)).status).toBe(405);

      const logged = JSON.parse(lines.join('').split('\n')[0] ?? '{}') as Record<string, unknown>;
      expect(logged).toMatchObject({
        letterId: 'letter-1',
        sector: 'municipality',
        bytes: Buffer.byteLength(xml),
        sha256: createHash('sha256').update(xml).digest('hex'),
      });
      expect(lines.join('')).not.toContain('Jens');
    } finally {
      await receiver.close();
    }
  });
});
