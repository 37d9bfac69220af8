import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/platform/log.ts';
import { killHard, spawnAdapters } from '../support/adapter-process.ts';
import { testCpr, testFiles, testLetter, windowsExecutable, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let adapters: ChildProcess;
const logLines: string[] = [];
const capture = new PassThrough();
capture.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));

const otherCpr = '0102034567';
const patient = { cpr: testCpr, name: { given: 'Henrietta', family: 'Quistgaard' } };
const secretText = 'Hemmelig-journaltekst-om-borgerens-misbrug';
const files = testFiles(2, 3000);
const secrets: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ adapters: false, log: createLogger('trace', 'postbud-gateway', capture) });
  adapters = spawnAdapters(stack, 'region,municipality,gp', 'trace');
  adapters.stdout?.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
  adapters.stderr?.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
  secrets.push(stack.adminKey, stack.adapterKey, stack.senderKey);
});
afterAll(async () => {
  if (adapters) await killHard(adapters);
  await stack?.stop();
});

const send = (body: object) => stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(body);

describe('logs of a full run hold no personal data, content or keys', () => {
  it('runs letters through success, refusal, retry, failure and acknowledgement', async () => {
    const letter = { text: secretText, patient, attachments: withBase64(files) };
    stack.receiver.script([503, 200]);
    const ok = await send(testLetter(letter));
    expect(ok.status).toBe(202);
    await waitForStatus(stack, ok.body.id, 'delivered', 30_000);
    await stack
      .api()
      .post('/v1/acknowledgements')
      .auth(stack.adapterKey, { type: 'bearer' })
      .send({
        messageId: ok.body.id,
        outcome: 'negative',
        code: 'wrong-recipient',
        text: `Borger ${testCpr} er ikke vores`,
      });

    stack.receiver.script([400]);
    const failing = await send(testLetter(letter));
    await waitForStatus(stack, failing.body.id, 'failed', 30_000);

    expect((await send(testLetter({ ...letter, patient: { ...patient, cpr: '3299999999' } }))).status).toBe(422);
    expect(
      (await send(testLetter({ ...letter, acknowledgedWarnings: [], recipient: { sorId: '200021000016005' } }))).status,
    ).toBe(422);
    const exe = [{ title: 'x.pdf', contentType: 'application/pdf', data: windowsExecutable.toString('base64') }];
    expect((await send(testLetter({ ...letter, attachments: exe }))).status).toBe(422);
    expect((await send(testLetter({ ...letter, patient: { ...patient, cpr: otherCpr } }))).status).toBe(202);
    expect(
      (await stack.api().get('/v1/messages/not-a-uuid').auth('pb_guessed-key-1234567890abcdef', { type: 'bearer' }))
        .status,
    ).toBe(401);
    secrets.push('pb_guessed-key-1234567890abcdef');
    const created = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Ny', roles: ['auditor'] });
    secrets.push(created.body.key);
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  it('the captured log mentions letters by id only', () => {
    const log = logLines.join('');
    expect(log).toContain('letter accepted');
    expect(log).toContain('postbud-adapters');
    const forbidden = [
      testCpr,
      `${testCpr.slice(0, 6)}-${testCpr.slice(6)}`,
      otherCpr,
      '3299999999',
      patient.name.given,
      patient.name.family,
      secretText,
      'ikke vores',
      ...files.map((file) => file.bytes.toString('base64').slice(100, 140)),
      ...secrets,
    ];
    for (const needle of forbidden) expect(log.includes(needle), `log contains ${needle.slice(0, 10)}…`).toBe(false);
  });
});
