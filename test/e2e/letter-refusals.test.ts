import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { sorIds, testFiles, testLetter, windowsExecutable, withBase64 } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let before: Record<string, number>;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

async function expectRefused(
  res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: `urn:postbud:problem:${code}` });
  expect(await letterTableCounts(stack.database.db)).toEqual(before);
}

const post = (body: object) => stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(body);

describe('letters refused before anything is stored', () => {
  it('eleven attachments as JSON → 422 too-many-attachments', async () => {
    await expectRefused(
      await post(testLetter({ attachments: withBase64(testFiles(11, 1000)) })),
      422,
      'too-many-attachments',
    );
  });

  it('eleven file parts as multipart → 422 too-many-attachments', async () => {
    const files = testFiles(11, 1000);
    let req = stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify(
          testLetter({ attachments: files.slice(0, 10).map(({ title, contentType }) => ({ title, contentType })) }),
        ),
      );
    for (const [i, file] of files.entries()) req = req.attach(`f${i}`, file.bytes, `f${i}.bin`);
    await expectRefused(await req, 422, 'too-many-attachments');
  });

  it('an .exe renamed .pdf → 422 attachment-type-mismatch, also after good files were streamed', async () => {
    const good = testFiles(2, 1000);
    const exe = { title: 'epikrise.pdf', contentType: 'application/pdf', data: windowsExecutable.toString('base64') };
    await expectRefused(
      await post(testLetter({ attachments: [...withBase64(good), exe] })),
      422,
      'attachment-type-mismatch',
    );

    let req = stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify(
          testLetter({ attachments: [...good, exe].map(({ title, contentType }) => ({ title, contentType })) }),
        ),
      );
    req = req
      .attach('a', good[0]!.bytes, 'a.pdf')
      .attach('b', good[1]!.bytes, 'b.png')
      .attach('c', windowsExecutable, 'epikrise.pdf');
    await expectRefused(await req, 422, 'attachment-type-mismatch');
  });

  it('a sender organisation the client may not send for → 403 sender-not-allowed', async () => {
    await expectRefused(await post(testLetter({ sender: { sorId: sorIds.gpClinic } })), 403, 'sender-not-allowed');
  });

  it('an unknown recipient → 422 recipient-unknown', async () => {
    await expectRefused(await post(testLetter({ recipient: { sorId: '999991000016999' } })), 422, 'recipient-unknown');
  });

  it('an inactive recipient → 422 recipient-inactive', async () => {
    await expectRefused(await post(testLetter({ recipient: { sorId: sorIds.closedUnit } })), 422, 'recipient-inactive');
  });

  it('a recipient that accepts no CareCommunication → 422 recipient-cannot-receive', async () => {
    await expectRefused(
      await post(testLetter({ recipient: { sorId: sorIds.municipalityOwner } })),
      422,
      'recipient-cannot-receive',
    );
  });

  it('a SOR id under 11 digits (dk-core) → 422 validation-failed naming the field', async () => {
    const res = await post(testLetter({ recipient: { sorId: '1234567890' } }));
    await expectRefused(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([{ path: '/recipient/sorId', message: 'must match pattern "^[0-9]{11,18}$"' }]);
  });

  it('a CPR that is no date → 422 cpr-invalid, without echoing it', async () => {
    const res = await post(testLetter({ patient: { cpr: '3213999999', name: { given: 'A', family: 'B' } } }));
    await expectRefused(res, 422, 'cpr-invalid');
    expect(JSON.stringify(res.body)).not.toContain('3213999999');
  });

  it('an unknown category, and priority outside regarding-referral → 422', async () => {
    await expectRefused(await post(testLetter({ category: 'gossip' })), 422, 'validation-failed');
    await expectRefused(await post(testLetter({ priority: 'asap' })), 422, 'priority-not-allowed');
    await expectRefused(await post(testLetter({ category: 'other' })), 422, 'topic-required');
  });

  it('base64 with junk → 422 attachment-base64-invalid', async () => {
    const attachments = [{ title: 'x', contentType: 'application/pdf', data: 'JVBERi0x$$$' }];
    await expectRefused(await post(testLetter({ attachments })), 422, 'attachment-base64-invalid');
  });

  it('a first letter to a mailbox without acknowledging first-contact → 409 confirmation-required', async () => {
    const res = await post(testLetter({ acknowledgedWarnings: [] }));
    // The warnings shown are the one thing kept: an audit event for the misroute report.
    before.audit_events = (before.audit_events ?? 0) + 1;
    await expectRefused(res, 409, 'confirmation-required');
    expect((res.body.warnings as Array<{ code: string }>).map((w) => w.code)).toContain('first-contact');
    const shown = await stack.database.db.query(
      "SELECT sor_id, details FROM audit_events WHERE action = 'warnings-shown'",
    );
    expect(shown.rows).toEqual([
      { sor_id: sorIds.socialPsychiatry, details: { senderSorId: sorIds.psychiatryUnit, codes: ['first-contact'] } },
    ]);
  });

  it('a forbidden attachment with an unacknowledged warning → 422 first, never 409 (JSON and multipart)', async () => {
    const exe = { title: 'epikrise.pdf', contentType: 'application/pdf', data: windowsExecutable.toString('base64') };
    const unconfirmed = { acknowledgedWarnings: [] };
    await expectRefused(
      await post(testLetter({ ...unconfirmed, attachments: [exe] })),
      422,
      'attachment-type-mismatch',
    );
    await expectRefused(
      await post(testLetter({ ...unconfirmed, attachments: [{ ...exe, data: 'JVBERi0x$$$' }] })),
      422,
      'attachment-base64-invalid',
    );
    const multipart = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify(
          testLetter({ ...unconfirmed, attachments: [{ title: exe.title, contentType: exe.contentType }] }),
        ),
      )
      .attach('a', windowsExecutable, 'epikrise.pdf');
    await expectRefused(multipart, 422, 'attachment-type-mismatch');
    // expectRefused also found no new audit event: a refused letter was never held, so no warnings were shown.

    // The same letter with a good file is held for the warning, after its attachment was checked.
    const good = testFiles(1, 1000);
    const held = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify(
          testLetter({ ...unconfirmed, attachments: [{ title: 'a', contentType: good[0]!.contentType }] }),
        ),
      )
      .attach('a', good[0]!.bytes, 'a.pdf');
    before.audit_events = (before.audit_events ?? 0) + 1;
    await expectRefused(held, 409, 'confirmation-required');
  });

  it('a body that is not JSON → 400, an unsupported type → 415', async () => {
    const bad = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"sender":');
    await expectRefused(bad, 400, 'body-malformed');
    const xml = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .set('Content-Type', 'text/plain')
      .send('hej');
    await expectRefused(xml, 415, 'unsupported-media-type');
  });
});
