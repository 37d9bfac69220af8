import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAndCheckLetterXml } from './letter-xml-build.ts';
import {
  inThreadLetterXml,
  letterXmlThreads,
  LetterXmlThreadStopped,
  type LetterXmlBuilder,
} from './letter-xml-threads.ts';
import type { LetterDraft } from './letter-xml.ts';
import { crashLetterId } from '../../test/support/crashing-letter-xml-thread.ts';
import { letterDraft } from '../../test/support/letter-drafts.ts';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const crashingEntry = new URL('../../test/support/crashing-letter-xml-thread.ts', import.meta.url);

/** The shared draft with ids of its own and text with characters that need escaping. */
const draft = (overrides: Partial<LetterDraft> = {}) =>
  letterDraft({
    letterId: randomUUID(),
    communicationId: randomUUID(),
    text: 'Til rette vedkommende.\nHilsen & tak <Michael>',
    ...overrides,
  });

const open: LetterXmlBuilder[] = [];
function threads(count: number, entry?: URL): LetterXmlBuilder {
  const builder = letterXmlThreads({ threads: count, log, ...(entry ? { entry } : {}) });
  open.push(builder);
  return builder;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((builder) => builder.close()));
});

describe('letter XML threads', () => {
  it('answer each draft with the XML the request thread builds, however many are in flight', async () => {
    const builder = threads(2);
    const drafts = Array.from({ length: 40 }, (_, i) =>
      draft({ text: `Brev nummer ${i}`, ...(i % 3 === 0 ? { topic: `Emne ${i}` } : {}) }),
    );
    const answers = await Promise.all(drafts.map((each) => builder.build(each)));
    answers.forEach((answer, i) => {
      expect(answer).toEqual(buildAndCheckLetterXml(drafts[i]!));
      expect(answer.ok && answer.template).toContain(`<id value="${drafts[i]!.letterId}"/>`);
    });
  });

  it('answer a letter that does not validate with the same errors as the request thread', async () => {
    const invalid = draft({ sender: { sorId: '441211000016000', ean: 'no EAN', name: 'Klinik' } });
    const inThread = await inThreadLetterXml.build(invalid);
    expect(inThread.ok).toBe(false);
    expect(await threads(1).build(invalid)).toEqual(inThread);
  });

  it('throw what the build throws, as the request thread would', async () => {
    const unbuildable = draft({ category: 'no-such-category' });
    await expect(inThreadLetterXml.build(unbuildable)).rejects.toThrow(RangeError);
    await expect(threads(1).build(unbuildable)).rejects.toThrow(new RangeError('letter-xml: unknown category'));
  });

  it('fail only the builds a stopped thread held, and start a new thread for the next', async () => {
    const builder = threads(1, crashingEntry);
    const before = await builder.build(draft());
    expect(before.ok).toBe(true);
    const crashing = builder.build(draft({ letterId: crashLetterId }));
    const behind = builder.build(draft());
    await expect(crashing).rejects.toBeInstanceOf(LetterXmlThreadStopped);
    await expect(behind).rejects.toBeInstanceOf(LetterXmlThreadStopped);
    const after = draft();
    expect(await builder.build(after)).toEqual(buildAndCheckLetterXml(after));
  });

  it('refuse builds once closed, and those still waiting when closing', async () => {
    const builder = threads(1);
    const waiting = builder.build(draft());
    await builder.close();
    await expect(waiting).rejects.toBeInstanceOf(LetterXmlThreadStopped);
    await expect(builder.build(draft())).rejects.toBeInstanceOf(LetterXmlThreadStopped);
  });
});
