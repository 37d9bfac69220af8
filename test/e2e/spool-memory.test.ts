import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFiles, testLetter, type TestFile } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

const mib = 1024 * 1024;
let stack: TestStack;
beforeAll(async () => {
  // Room for two sealed 768 KiB chunks in the whole process, and for three in one letter.
  stack = await startTestStack({
    adapters: false,
    env: { POSTBUD_SPOOL_MEMORY_BYTES: String(3 * mib), POSTBUD_SPOOL_MEMORY_TOTAL_BYTES: String(2 * mib) },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const boundary = 'postbud-spool-memory';

interface HeldUpload {
  request: ClientRequest;
  rest: Buffer;
  answer: Promise<{ status: number; body: string }>;
}

/** A multipart letter of one file, sent up to `sentBytes` of the file and then held. */
function heldUpload(file: TestFile, sentBytes: number): HeldUpload {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: application/json\r\n\r\n` +
      `${JSON.stringify(testLetter({ attachments: [{ title: file.title, contentType: file.contentType }] }))}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const upload = request(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${stack.senderKey}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + file.bytes.length + tail.length,
    },
  });
  const answer = once(upload, 'response').then(async (args) => {
    const response = args[0] as IncomingMessage;
    let body = '';
    for await (const chunk of response) body += chunk;
    return { status: response.statusCode ?? 0, body };
  });
  upload.write(Buffer.concat([head, file.bytes.subarray(0, sentBytes)]));
  return { request: upload, rest: Buffer.concat([file.bytes.subarray(sentBytes), tail]), answer };
}

async function spoolMemoryBytes(): Promise<number> {
  const metrics = await stack.api().get('/metrics');
  const line = /^postbud_spool_memory_bytes (\d+)$/m.exec(metrics.text);
  expect(line, 'the gauge is exported').not.toBeNull();
  return Number(line![1]);
}

describe('the memory letters arriving at once share', () => {
  it('is held to the process total: the letter that finds it taken goes to its file, and both are stored intact', async () => {
    const [first, second] = testFiles(2, Math.floor(2.5 * mib));
    expect(await spoolMemoryBytes()).toBe(0);

    // Two sealed chunks of the first letter fill the process's 2 MiB; its third goes to its file.
    const one = heldUpload(first!, Math.floor(2.4 * mib));
    await until(async () => (await spoolMemoryBytes()) >= 1.5 * mib);
    const two = heldUpload(second!, Math.floor(2.4 * mib));
    // The second letter's chunks are sealed (and spooled to its file) while the first is held.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const held = await spoolMemoryBytes();
    expect(held).toBeGreaterThanOrEqual(1.5 * mib);
    expect(held).toBeLessThanOrEqual(2 * mib);

    for (const upload of [one, two]) upload.request.end(upload.rest);
    const answers = await Promise.all([one.answer, two.answer]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    for (const [index, answer] of answers.entries()) {
      const { id } = JSON.parse(answer.body) as { id: string };
      const status = await stack.api().get(`/v1/messages/${id}`).auth(stack.senderKey, { type: 'bearer' });
      const file = [first!, second!][index]!;
      expect(status.body.attachments).toEqual([
        { title: file.title, contentType: file.contentType, size: file.bytes.length, sha256: file.sha256 },
      ]);
    }
    // Every spool gave its share back.
    expect(await spoolMemoryBytes()).toBe(0);
  });
});
