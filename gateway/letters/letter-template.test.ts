import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import { testLetter } from '../../test/support/fixtures.ts';
import { inThreadLetterXml, letterXmlThreads } from '../medcom/letter-xml-threads.ts';
import { ProblemError } from '../platform/problem.ts';
import { buildChecked } from './letter-template.ts';
import type { ResolvedRouting } from './letter-routing.ts';

const envelope = testLetter() as unknown as LetterEnvelope;
const routing: ResolvedRouting = {
  sender: { sorId: '441211000016000', ean: '5790001987244', name: 'Psykiatrisk afdeling' },
  recipient: {
    sorId: '330461000016004',
    ean: '5790001353308',
    name: 'Socialpsykiatrien',
    sector: 'municipality',
    path: ['Aarhus Kommune', 'Socialpsykiatrien'],
  },
  warnings: [],
  unacknowledged: [],
};

describe('buildChecked', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('builds the same letter in a thread as in the request thread', async () => {
    // One sending time for both (a letter's sentAt is taken when it is built).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const threads = letterXmlThreads({ threads: 1, log: pino({ level: 'silent' }) });
    try {
      const [inThread, inWorker] = await Promise.all([
        buildChecked(inThreadLetterXml, envelope, routing, 'c3a1f3b4-1d2e-4f5a-9b6c-7d8e9f0a1b2c'),
        buildChecked(threads, envelope, routing, 'c3a1f3b4-1d2e-4f5a-9b6c-7d8e9f0a1b2c'),
      ]);
      // The communication id is new for each build; everything else is the same.
      expect(inWorker.template.replace(inWorker.communicationId, 'C')).toBe(
        inThread.template.replace(inThread.communicationId, 'C'),
      );
      expect(inWorker.template).toContain('<id value="c3a1f3b4-1d2e-4f5a-9b6c-7d8e9f0a1b2c"/>');
    } finally {
      await threads.close();
    }
  });

  it('answers 503 letter-xml-unavailable when the letter cannot be built just now', async () => {
    const threads = letterXmlThreads({ threads: 1, log: pino({ level: 'silent' }) });
    await threads.close();
    const refusal = await buildChecked(threads, envelope, routing).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProblemError);
    expect(refusal).toMatchObject({ status: 503, code: 'letter-xml-unavailable', extra: { retryAfterSeconds: 1 } });
  });
});
