import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLetterXml } from './letter-xml.ts';
import { letterDraft } from '../../test/support/letter-drafts.ts';
import { checkLetterXml, parseLetterXml } from './letter-xml-check.ts';
import { base64Chunks, newSending, renderLetterXml, stampSending, templatePlaceholders } from './letter-xml-render.ts';

const draft = letterDraft({
  letterId: '3b0d2c8e-7f5a-4e21-9c4d-1a2b3c4d5e6f',
  communicationId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  patient: { cpr: '2509479989', given: 'Bruno', family: 'Elmer' },
  category: 'discharge',
  // A user cannot smuggle a placeholder in through the text.
  text: 'Se bilag. <data value="postbud-attachment:0"/> postbud-attachment:1',
  author: { name: 'Michael Burns', role: 'sygeplejerske', phone: '+4538683868' },
  attachments: [
    { title: 'Epikrise', contentType: 'application/pdf', position: 0 },
    { title: 'Sårfoto', contentType: 'image/jpeg', position: 1 },
    { title: 'Tom', contentType: 'image/png', position: 2 },
  ],
});

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function joined(strings: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const part of strings) text += part;
  return text;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('rendering a stored letter with its attachments', () => {
  const template = buildLetterXml(draft);
  const attachments = new Map([
    [0, randomBytes(100_003)],
    [1, randomBytes(4_096)],
    [2, Buffer.from([0xff])],
  ]);

  it('finds the placeholders of the template in document order, and only those', () => {
    expect(templatePlaceholders(template)).toEqual([0, 1, 2]);
  });

  it.each([1, 2, 4, 1000])('gives the same base64 as the whole buffer with %i-byte chunks', async (size) => {
    for (const bytes of [
      ...attachments.values(),
      Buffer.alloc(0),
      Buffer.from('a'),
      Buffer.from('ab'),
      Buffer.from('abc'),
    ]) {
      expect(await joined(base64Chunks(inChunks(bytes, size)))).toBe(bytes.toString('base64'));
    }
  });

  it('gives the same base64 whatever the chunks, including uneven and empty ones', async () => {
    const bytes = attachments.get(0)!;
    async function* uneven() {
      let offset = 0;
      for (const size of [0, 1, 0, 2, 5, 3, 7, 1, 65_536]) {
        yield bytes.subarray(offset, offset + size);
        offset += size;
      }
      yield bytes.subarray(offset);
    }
    expect(await joined(base64Chunks(uneven()))).toBe(bytes.toString('base64'));
  });

  it.each([1, 2, 4, 1000])(
    'renders a letter that checks and carries the original bytes (%i-byte chunks)',
    async (size) => {
      const rendered = await joined(
        renderLetterXml(template, (position) => inChunks(attachments.get(position)!, size)),
      );
      const result = checkLetterXml(rendered);
      expect(result.ok ? [] : result.errors).toEqual([]);
      const communication = JSON.stringify(parseLetterXml(rendered));
      const data = [...communication.matchAll(/"data":\{"@_value":"([^"]*)"\}/g)].map((match) =>
        Buffer.from(match[1]!, 'base64'),
      );
      expect(data.map(sha256)).toEqual([...attachments.values()].map(sha256));
      expect(rendered).toContain(`${draft.text.replace('<', '&lt;').replace(/"/g, '&quot;').replace('>', '&gt;')}`);
      expect(templatePlaceholders(rendered)).toEqual([]);
    },
  );

  it('streams: it asks for the next chunk only after handing on the previous one', async () => {
    let pulled = 0;
    async function* counted(bytes: Buffer) {
      for await (const chunk of inChunks(bytes, 3_000)) {
        pulled += 1;
        yield chunk;
      }
    }
    const rendering = renderLetterXml(template, (position) => counted(attachments.get(position)!));
    let handedOn = 0;
    for await (const part of rendering) {
      if (/^[A-Za-z0-9+/]+=*$/.test(part)) {
        handedOn += 1;
        expect(pulled).toBeLessThanOrEqual(handedOn + 1);
      }
    }
    expect(pulled).toBe(Math.ceil(100_003 / 3_000) + Math.ceil(4_096 / 3_000) + 1);
  });
});

describe('stamping each sending of a letter', () => {
  const template = buildLetterXml(draft);
  type Tree = {
    Bundle: Record<string, unknown> & { entry: Array<{ resource: Record<string, Record<string, unknown>> }> };
  };
  const bundleOf = (xml: string) => (parseLetterXml(xml) as unknown as Tree).Bundle;
  const resourceOf = (xml: string, type: string) =>
    bundleOf(xml).entry.find((entry) => entry.resource[type])!.resource[type]!;

  it('gives each sending its own Bundle.id, timestamp and Provenance recorded time, the MessageHeader.id kept', () => {
    const first = stampSending(template, newSending(new Date('2026-11-23T10:16:00Z')));
    const second = stampSending(template, newSending(new Date('2026-11-23T10:21:00Z')));
    for (const xml of [first, second]) {
      const result = checkLetterXml(xml);
      expect(result.ok ? [] : result.errors).toEqual([]);
      expect(resourceOf(xml, 'MessageHeader').id).toEqual({ '@_value': draft.letterId });
    }
    expect(bundleOf(first).id).not.toEqual(bundleOf(second).id);
    expect(bundleOf(first).id).not.toEqual({ '@_value': draft.letterId });
    expect(bundleOf(second).timestamp).toEqual({ '@_value': '2026-11-23T10:21:00.000Z' });
    expect(resourceOf(second, 'Provenance').recorded).toEqual({ '@_value': '2026-11-23T10:21:00.000Z' });
    // The segments keep the time the author sent them; the Provenance keeps when it happened.
    expect(resourceOf(second, 'Provenance').occurredDateTime).toEqual({ '@_value': draft.sentAt });
    // Nothing else changes: of every attribute value in the letter, exactly those three differ.
    const values = (xml: string) => [...xml.matchAll(/ value="([^"]*)"/g)].map((match) => match[1]);
    const [before, after] = [values(template), values(second)];
    expect(after).toHaveLength(before.length);
    expect(after.filter((value, i) => value !== before[i])).toHaveLength(3);
  });

  it('leaves an earlier Provenance’s recorded time alone, and stamps templates stored with Bundle.id = letter id', () => {
    const older = template
      .replace(/(<Bundle xmlns="http:\/\/hl7.org\/fhir">\s*<id value=")[^"]*/, `$1${draft.letterId}`)
      .replace('<recorded value', '<recorded value="2026-01-01T00:00:00Z"/><recorded value');
    const stamped = stampSending(older, {
      bundleId: 'a1f0c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      timestamp: '2026-11-24T08:00:00Z',
    });
    expect(stamped).toContain('<recorded value="2026-01-01T00:00:00Z"/><recorded value="2026-11-24T08:00:00Z"/>');
    expect(bundleOf(stamped).id).toEqual({ '@_value': 'a1f0c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
    expect(() => stampSending('<Bundle/>', newSending())).toThrow(/no Bundle id/);
  });
});
