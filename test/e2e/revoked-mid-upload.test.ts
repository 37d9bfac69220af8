import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testFiles, testLetter, testMailboxes } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a key revoked while its letter uploads', () => {
  it('stores nothing of the letter: the commit finds the key revoked and answers 401', async () => {
    const client = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Udskiftet EPJ', roles: ['sender'], senders: [testMailboxes()[1]!.sorId] });
    const [file] = testFiles(1, 400_000);
    const boundary = 'postbud-revoke-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: application/json\r\n\r\n` +
        `${JSON.stringify(testLetter({ attachments: [{ title: file!.title, contentType: file!.contentType }] }))}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: ${file!.contentType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const before = await letterTableCounts(stack.database.db);
    const upload = request(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${client.body.key as string}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file!.bytes.length + tail.length,
      },
    });
    const answered = once(upload, 'response');
    upload.write(head);
    upload.write(file!.bytes.subarray(0, 1000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const revoked = await stack
      .api()
      .post(`/v1/admin/clients/${client.body.id as string}/revoke`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(revoked.status).toBe(200);
    upload.end(Buffer.concat([file!.bytes.subarray(1000), tail]));
    const [response] = (await answered) as [IncomingMessage];
    let body = '';
    for await (const chunk of response) body += chunk;
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(body).code).toBe('unauthenticated');
    // Only the revoke's own audit event is new.
    expect(await letterTableCounts(stack.database.db)).toEqual({ ...before, audit_events: before.audit_events! + 1 });
  });
});
