import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testFiles, testLetter, type TestFile } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { send, type Answer } from '../hostile/hostile-support.ts';

// A small spool memory, so the larger letters below also take the spool's file path.
let stack: TestStack;
let before: Record<string, number>;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false, env: { POSTBUD_SPOOL_MEMORY_BYTES: String(1024 * 1024) } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

/** Base64 as some encoders write it: "/" escaped as "\/", MIME line breaks as "\r\n" escapes. */
const escapedBase64 = (file: Buffer) =>
  file
    .toString('base64')
    .replace(/(.{76})/g, '$1\\r\\n')
    .replace(/\//g, '\\/');

/** The letter's JSON with each attachment's data first and its title and type last. */
function dataFirst(files: TestFile[], overrides: Record<string, unknown> = {}): string {
  const attachments = files
    .map(
      (file) => `{"data":"${escapedBase64(file.bytes)}","title":"${file.title}","contentType":"${file.contentType}"}`,
    )
    .join(',');
  return JSON.stringify(testLetter(overrides)).replace(/}$/, `,"attachments":[${attachments}]}`);
}

/** Sends `body` chunked in pieces of `size` bytes, each after the last was taken. */
function postInPieces(body: string, size: number): Promise<Answer> {
  const bytes = Buffer.from(body, 'utf8');
  return send(stack.url, {
    headers: { Authorization: `Bearer ${stack.senderKey}`, 'Content-Type': 'application/json' },
    body: async function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    },
  });
}

function attachmentsInXml(xml: string): Array<{ title: string; contentType: string; sha256: string }> {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['entry', 'payload'].includes(name) });
  const communication = parser
    .parse(xml)
    .Bundle.entry.map((entry: { resource: Record<string, unknown> }) => entry.resource)
    .find((resource: Record<string, unknown>) => 'Communication' in resource).Communication;
  return communication.payload
    .filter((segment: Record<string, unknown>) => 'contentAttachment' in segment)
    .map((segment: { contentAttachment: Record<string, Record<string, string>> }) => ({
      title: segment.contentAttachment.title!['@_value']!,
      contentType: segment.contentAttachment.contentType!['@_value']!,
      sha256: createHash('sha256')
        .update(Buffer.from(segment.contentAttachment.data!['@_value']!, 'base64'))
        .digest('hex'),
    }));
}

async function expectStoredIntact(answer: Answer, files: TestFile[]) {
  expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({ status: 202 });
  const { id } = JSON.parse(answer.text) as { id: string };
  const status = await stack.api().get(`/v1/messages/${id}`).auth(stack.senderKey, { type: 'bearer' });
  const expected = files.map((f) => ({
    title: f.title,
    contentType: f.contentType,
    size: f.bytes.length,
    sha256: f.sha256,
  }));
  expect(status.body.attachments).toEqual(expected);
  // What an adapter fetches to deliver: the same bytes, decoded from the letter's XML.
  const xml = await stack
    .api()
    .get(`/v1/messages/${id}/xml`)
    .auth(stack.adapterKey, { type: 'bearer' })
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => done(null, text));
    });
  expect(xml.status).toBe(200);
  expect(attachmentsInXml(xml.body as string)).toEqual(
    expected.map(({ title, contentType, sha256 }) => ({ title, contentType, sha256 })),
  );
}

function expectRefusedWith(answer: Answer, status: number, code: string) {
  expect({ status: answer.status, code: (JSON.parse(answer.text) as { code: string }).code }).toEqual({ status, code });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('a JSON letter streamed in', () => {
  it('is stored intact when each attachment`s data comes before its title and type, sent in 7-byte pieces', async () => {
    const files = testFiles(3, 3_000);
    await expectStoredIntact(await postInPieces(dataFirst(files), 7), files);
  });

  it('is stored intact when its attachments pass the spool`s memory and go through its file', async () => {
    const files = testFiles(3, 900_000);
    await expectStoredIntact(await postInPieces(dataFirst(files), 65_536 + 3), files);
  });

  it('refuses a file whose type, declared after it, is not what its bytes say, and stores nothing', async () => {
    const [pdf] = testFiles(1, 3_000);
    const mislabelled = dataFirst([{ ...pdf!, contentType: 'image/png' }]);
    expectRefusedWith(await postInPieces(mislabelled, 1_000), 422, 'attachment-type-mismatch');
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('answers the letter`s own faults before its attachments`, as a buffered letter did', async () => {
    const broken = (overrides: Record<string, unknown>) =>
      dataFirst(testFiles(1, 3_000), overrides).replace(/"data":"JVBE/, '"data":"*VBE');
    expectRefusedWith(await postInPieces(broken({ author: undefined }), 4_096), 422, 'validation-failed');
    expectRefusedWith(
      await postInPieces(broken({ recipient: { sorId: '999999000016999' } }), 4_096),
      422,
      'recipient-unknown',
    );
    expectRefusedWith(await postInPieces(broken({}), 4_096), 422, 'attachment-base64-invalid');
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('refuses a NUL inside attachment data with 400 nul-character', async () => {
    const body = dataFirst(testFiles(1, 3_000)).replace(/"data":"JVBE/, '"data":"JVBE\\u0000');
    expectRefusedWith(await postInPieces(body, 1_000), 400, 'nul-character');
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });
});

describe('replies and forwards read as they stream', () => {
  const reply = (id: string, body: string, type = 'application/json') =>
    send(stack.url, {
      path: `/v1/messages/${id}/reply`,
      headers: { Authorization: `Bearer ${stack.senderKey}`, 'Content-Type': type },
      body,
    });

  it('refuse what a letter would be refused for, and store nothing', async () => {
    const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(sent.status).toBe(202);
    await waitForStatus(stack, sent.body.id, 'queued'); // the relay's event is in before counting
    const counts = await letterTableCounts(stack.database.db);
    // The stack's sender is the letter's sender, not its recipient: it may forward but not reply.
    expect((await reply(sent.body.id, '{"text":"Tak."}')).status).toBe(404);
    const forward = (body: string, type = 'application/json') =>
      send(stack.url, {
        path: `/v1/messages/${sent.body.id}/forward`,
        headers: { Authorization: `Bearer ${stack.senderKey}`, 'Content-Type': type },
        body,
      });
    const empty = await forward('');
    expect([empty.status, JSON.parse(empty.text).code]).toEqual([400, 'body-empty']);
    expect((await forward('{"text":"x"}', 'text/plain')).status).toBe(415);
    const duplicate = await forward('{"text":"a","text":"b"}');
    expect([duplicate.status, JSON.parse(duplicate.text).code]).toEqual([400, 'body-duplicate-key']);
    const badData = await forward(
      JSON.stringify({
        recipient: { sorId: testLetter().recipient.sorId },
        text: 'Videresendt.',
        author: testLetter().author,
        attachments: [{ title: 'Bilag', contentType: 'application/pdf', data: '!!!not base64!!!' }],
      }),
    );
    expect([badData.status, JSON.parse(badData.text).code]).toEqual([422, 'attachment-base64-invalid']);
    expect(await letterTableCounts(stack.database.db)).toEqual(counts);
  });
});
