import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault } from '../../gateway/platform/crypto.ts';
import { rotateDataKeys } from '../../gateway/letters/key-rotation.ts';
import { openLetterXml } from '../../gateway/letters/letter-reader.ts';
import { getLetter } from '../../gateway/letters/letter-store.ts';
import { testCpr, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
let stack: TestStack;
let letterId: string;
const files = testFiles(3, 20_000);
const secretText = 'Fortroligt: borgeren ønsker ikke kontakt med familien';
const patientName = { given: 'Gudrun', family: 'Ærbødig-Skovgaard' };

beforeAll(async () => {
  stack = await startTestStack();
  const res = await stack
    .api()
    .post('/v1/messages')
    .auth(stack.senderKey, { type: 'bearer' })
    .send(
      testLetter({ text: secretText, patient: { cpr: testCpr, name: patientName }, attachments: withBase64(files) }),
    );
  letterId = res.body.id;
  await waitForStatus(stack, letterId, 'delivered');
});
afterAll(async () => {
  await stack?.stop();
});

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let xml = '';
  for await (const chunk of chunks) xml += chunk;
  return xml;
}

describe('encryption at rest', () => {
  it('a pg_dump of the database holds no CPR, patient name, letter text or attachment bytes in clear', async () => {
    const { stdout } = await run('pg_dump', ['--data-only', stack.database.url], { maxBuffer: 256 * 1024 * 1024 });
    expect(stdout).toContain('COPY public.letters');
    const forbidden = [
      testCpr,
      `${testCpr.slice(0, 6)}-${testCpr.slice(6)}`,
      patientName.given,
      patientName.family,
      'borgeren ønsker ikke',
      ...files.flatMap((file) => {
        const sample = file.bytes.subarray(1000, 1032);
        return [sample.toString('hex'), sample.toString('base64')];
      }),
    ];
    for (const needle of forbidden)
      expect(stdout.includes(needle), `dump contains ${needle.slice(0, 12)}…`).toBe(false);
  });

  it('postbud keys rotate re-encrypts every letter and chunk under the new key, readable without the old one', async () => {
    const before = await stack.api().get(`/v1/messages/${letterId}/xml`).auth(stack.senderKey, { type: 'bearer' });
    const oldKey = stack.config.dataKeys[0]!;
    const newKey = { id: 'k2', key: randomBytes(32).toString('base64') };
    const report = await rotateDataKeys(stack.database.db, createVault({ dataKeys: [newKey, oldKey] }));
    expect(report.letters).toBe(1);
    expect(report.chunks).toBe(3);
    const keyIds = await stack.database.db.query(
      'SELECT key_id FROM letters UNION SELECT key_id FROM attachment_chunks',
    );
    expect(keyIds.rows).toEqual([{ key_id: 'k2' }]);
    // The old key is gone from this vault: the XML must still come out byte for byte.
    const onlyNew = createVault({ dataKeys: [newKey], cprHmacKey: 'x'.repeat(32) });
    const letter = (await getLetter(stack.database.db, letterId))!;
    expect(await collect(openLetterXml(stack.database.db, onlyNew, letter))).toBe(before.text);
    const events = await stack.database.db.query("SELECT details FROM audit_events WHERE action = 'data-key-rotated'");
    expect(events.rows).toEqual([{ details: { keyId: 'k2', letters: 1, chunks: 3 } }]);
  });
});
