import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testFiles, testLetter, testMailboxes } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    adapters: false,
    env: { POSTBUD_UPLOADS_PER_CLIENT: '4', POSTBUD_UPLOADS_TOTAL: '16' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const [file] = testFiles(1, 300_000);
const boundary = 'postbud-slow-upload';
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: application/json\r\n\r\n` +
    `${JSON.stringify(testLetter({ attachments: [{ title: file!.title, contentType: file!.contentType }] }))}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: ${file!.contentType}\r\n\r\n`,
);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

interface SlowUpload {
  request: ClientRequest;
  answer: Promise<{ status: number; body: string }>;
}

/** A multipart letter whose sender stops after the message part and the first bytes of the file. */
function startSlowUpload(key: string): SlowUpload {
  const upload = request(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + file!.bytes.length + tail.length,
    },
  });
  const answer = once(upload, 'response').then(async (args) => {
    const response = args[0] as IncomingMessage;
    let body = '';
    for await (const chunk of response) body += chunk;
    return { status: response.statusCode ?? 0, body };
  });
  upload.write(Buffer.concat([head, file!.bytes.subarray(0, 2000)]));
  return { request: upload, answer };
}

async function newSender(name: string): Promise<string> {
  const created = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name, roles: ['sender'], senders: [testMailboxes()[1]!.sorId] });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

/** Transactions open longer than the stalled uploads have been waiting (a relay's or sealer's are shorter). */
async function openTransactions(): Promise<number> {
  const result = await stack.database.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
       AND xact_start < now() - interval '250 milliseconds'`,
  );
  return result.rows[0]!.n;
}

async function storedLetters(): Promise<number> {
  const result = await stack.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letters');
  return result.rows[0]!.n;
}

/** The gateway's own count of letters arriving (`postbud_uploads_in_flight`). */
async function uploadsInFlight(): Promise<number> {
  const metrics = await stack.api().get('/metrics');
  return Number(/^postbud_uploads_in_flight (\d+)$/m.exec(metrics.text)?.[1]);
}

const stillOpen: SlowUpload[] = [];
afterEach(() => {
  for (const upload of stillOpen.splice(0)) {
    // Cut off before an answer: the reset is expected.
    upload.answer.catch(() => undefined);
    upload.request.destroy();
  }
});

describe('senders on slow lines', () => {
  it('hold no database connection while their letters arrive: other clients, readiness and the cap per client', async () => {
    // Twelve stalled uploads from three clients: more than the gateway's ten database connections.
    const keys = await Promise.all(['Langsom EPJ 1', 'Langsom EPJ 2', 'Langsom EPJ 3'].map(newSender));
    const stalled = keys.flatMap((key) => Array.from({ length: 4 }, () => startSlowUpload(key)));
    stillOpen.push(...stalled);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // A fifth letter at once from the same client is refused before it is read.
    const fifth = startSlowUpload(keys[0]!);
    const refused = await fifth.answer;
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).code).toBe('too-many-uploads');

    expect(await openTransactions()).toBe(0);
    const ready = await stack.api().get('/health/ready');
    expect(ready.status).toBe(200);
    const started = Date.now();
    const others = await Promise.all(
      Array.from({ length: 4 }, () =>
        stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter()),
      ),
    );
    expect(others.map((res) => res.status)).toEqual(Array(4).fill(202));
    expect(Date.now() - started).toBeLessThan(5_000);

    // The slow senders finish: each of their letters is stored, and their slots are free again.
    for (const upload of stalled) upload.request.end(Buffer.concat([file!.bytes.subarray(2000), tail]));
    const answers = await Promise.all(stalled.map((upload) => upload.answer));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(202));
    const again = startSlowUpload(keys[0]!);
    again.request.end(Buffer.concat([file!.bytes.subarray(2000), tail]));
    expect((await again.answer).status).toBe(202);
  });

  it('are taken in no more than the process can handle at once: 503 server-busy before the body is read', async () => {
    const earlier = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(earlier.status).toBe(202);
    // Four clients with four stalled letters each fill the process's sixteen slots.
    const keys = await Promise.all(['Travl EPJ 1', 'Travl EPJ 2', 'Travl EPJ 3', 'Travl EPJ 4'].map(newSender));
    const stalled = keys.flatMap((key) => Array.from({ length: 4 }, () => startSlowUpload(key)));
    stillOpen.push(...stalled);
    await until(async () => (await uploadsInFlight()) === 16);
    const stored = await storedLetters();

    // Another client, within its own limit, is refused at once, and nothing of its letter is kept.
    const refused = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.code).toBe('server-busy');
    expect(await storedLetters()).toBe(stored);
    // So are a reply and a forward: they arrive with attachments as a letter does.
    for (const followUp of ['reply', 'forward']) {
      const answer = await stack
        .api()
        .post(`/v1/messages/${earlier.body.id as string}/${followUp}`)
        .auth(stack.senderKey, { type: 'bearer' })
        .send({});
      expect([followUp, answer.status, answer.body.code]).toEqual([followUp, 503, 'server-busy']);
    }
    expect(await storedLetters()).toBe(stored);

    // One stalled letter finishes: its slot is free again, and the next letter is taken in.
    stalled[0]!.request.end(Buffer.concat([file!.bytes.subarray(2000), tail]));
    expect((await stalled[0]!.answer).status).toBe(202);
    const next = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(next.status).toBe(202);
    expect(await storedLetters()).toBe(stored + 2);
  });
});
