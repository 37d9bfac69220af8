import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { sorIds, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { bearer, measureMemory, send } from './hostile-support.ts';

// A JSON letter streams: it counts twice its size, but at most about 20 MiB (its spool's 4 MiB
// and what is being sealed and written), however large. 40 MiB thus take five 4 MB letters or
// two 16 MB ones at once; counted as buffered bodies (four times their size), one 16 MB letter
// alone would have filled it.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false, env: { POSTBUD_BUFFERED_BODIES_BYTES: String(40 * 1024 * 1024) } });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (letter: object) =>
  stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(letter);

describe('large JSON letters arriving together', () => {
  it('are held to a memory budget: those that do not fit get 503 server-busy with Retry-After, nothing of them stored', async () => {
    const letter = testLetter({ attachments: withBase64(testFiles(3, 1_000_000)) });
    const before = await letterTableCounts(stack.database.db);
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(letter)));
    const statuses = answers.map((answer) => answer.status).sort();
    const accepted = statuses.filter((status) => status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThan(8);
    for (const busy of answers.filter((answer) => answer.status !== 202)) {
      expect(busy.status).toBe(503);
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.body.code).toBe('server-busy');
      expect(busy.headers['retry-after']).toBe('2');
    }
    const after = await letterTableCounts(stack.database.db);
    expect(after.letters).toBe(before.letters! + accepted);

    // The budget is given back: the same letter alone is accepted.
    const alone = await post(letter);
    expect(alone.status).toBe(202);
  });

  it('count what a streamed letter holds, not its size: two 16 MB letters at once are both accepted', async () => {
    const letter = testLetter({ attachments: withBase64(testFiles(3, 4_000_000)) });
    const answers = await Promise.all([post(letter), post(letter)]);
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
      [202, undefined],
      [202, undefined],
    ]);
  });
});

describe('one maximum-size JSON letter', () => {
  it('is stored while the gateway holds a small part of it: memory grows by far less than the 67 MB body', async () => {
    const files = testFiles(10, Math.floor(stack.config.limits.maxLetterBytes / 10) - 16);
    const letter = JSON.stringify(testLetter());
    // The body is made as it is sent, so what grows is what the gateway holds, not the test's copy.
    const body = async function* () {
      yield Buffer.from(`${letter.slice(0, -1)},"attachments":[`);
      for (const [i, file] of files.entries()) {
        yield Buffer.from(`${i > 0 ? ',' : ''}{"title":"${file.title}","contentType":"${file.contentType}","data":"`);
        for (let at = 0; at < file.bytes.length; at += 3 * 65_536)
          yield Buffer.from(file.bytes.subarray(at, at + 3 * 65_536).toString('base64'));
        yield Buffer.from('"}');
      }
      yield Buffer.from(']}');
    };
    const { result: answer, growth } = await measureMemory(() =>
      send(stack.url, { headers: { ...bearer(stack), 'Content-Type': 'application/json' }, body }),
    );
    console.log(
      `one 67 MB JSON letter: growth rss ${growth.rssMiB.toFixed(1)} MiB, heap ${growth.heapUsedMiB.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffersMiB.toFixed(1)} MiB`,
    );
    expect({ status: answer.status, text: answer.text.slice(0, 200) }).toMatchObject({ status: 202 });
    // Buffered, the gateway held the body as text and as parsed strings (over 130 MiB of heap), then
    // the decoded and sealed files. Streamed, the letter's heap is a few MiB and its Buffers about
    // 16 MiB; the rest of what is measured is both sides' pieces awaiting garbage collection.
    expect(growth.heapUsedMiB).toBeLessThan(48);
    expect(growth.arrayBuffersMiB).toBeLessThan(100);
  });
});

describe('a forward with large attachments of its own', () => {
  it('streams them after the ones it carries, data before type, holding a small part of them', async () => {
    const [carried] = testFiles(1, 200_000);
    const first = await post(testLetter({ attachments: withBase64([carried!]) }));
    expect(first.status).toBe(202);
    const own = testFiles(3, 10_000_000);
    const head = JSON.stringify({
      recipient: { sorId: sorIds.gpClinic },
      text: 'Videresendt til egen læge.',
      author: testLetter().author,
      acknowledgedWarnings: ['first-contact'],
    });
    // Made as it is sent, in small pieces, each file's data before its title and type.
    const body = async function* () {
      yield Buffer.from(`${head.slice(0, -1)},"attachments":[`);
      for (const [i, file] of own.entries()) {
        yield Buffer.from(`${i > 0 ? ',' : ''}{"data":"`);
        for (let at = 0; at < file.bytes.length; at += 3 * 16_384)
          yield Buffer.from(file.bytes.subarray(at, at + 3 * 16_384).toString('base64'));
        yield Buffer.from(`","title":"${file.title}","contentType":"${file.contentType}"}`);
      }
      yield Buffer.from(']}');
    };
    const { result: answer, growth } = await measureMemory(() =>
      send(stack.url, {
        path: `/v1/messages/${first.body.id}/forward`,
        headers: { ...bearer(stack), 'Content-Type': 'application/json' },
        body,
      }),
    );
    console.log(
      `a forward with 3 × 10 MB of its own: growth heap ${growth.heapUsedMiB.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffersMiB.toFixed(1)} MiB`,
    );
    expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({ status: 202 });
    // Read whole, the body (40 MB) would have been in the heap as text and again as parsed strings.
    expect(growth.heapUsedMiB).toBeLessThan(30);

    // The letter an adapter fetches carries the earlier file first, then the forward's own, intact.
    const { id } = JSON.parse(answer.text) as { id: string };
    const xml = await stack.api().get(`/v1/messages/${id}/xml`).auth(stack.adapterKey, { type: 'bearer' });
    expect(xml.status).toBe(200);
    const digests = [...xml.text.matchAll(/<data value="([^"]+)"/g)].map((match) =>
      createHash('sha256').update(Buffer.from(match[1]!, 'base64')).digest('hex'),
    );
    expect(digests).toEqual([carried!, ...own].map((file) => file.sha256));
  });
});
