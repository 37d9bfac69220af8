import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { ean, sorIds, testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Every misroute guard through the two calls a clinical system makes: the confirm-recipient
 * preview, and the submission itself.
 */
let stack: TestStack;
const lookalikeSorId = '200031000016007';
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  const res = await stack
    .api()
    .post('/v1/directory/mailboxes')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({
      sorId: lookalikeSorId,
      ean: ean('579000020004'),
      name: 'Testby Kommune, Socialpsykiatri og Udsatte Voksne',
      parentSorId: sorIds.municipalityOwner,
      sector: 'municipality',
      municipalityCode: '751',
      accepts: ['CareCommunication'],
    });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

const send = (body: object, key = stack.senderKey) =>
  stack.api().post('/v1/messages').auth(key, { type: 'bearer' }).send(body);
const preview = (body: object) =>
  stack.api().post('/v1/messages/preview').auth(stack.senderKey, { type: 'bearer' }).send(body);
const codes = (findings: Array<{ code: string }>) => findings.map((finding) => finding.code);
const allWarnings = ['first-contact', 'confusable-name', 'municipality-mismatch'];

describe('blocking guards, through preview and submit', () => {
  it.each([
    ['recipient-unknown', 422, { recipient: { sorId: '999991000016999' } }],
    ['recipient-inactive', 422, { recipient: { sorId: sorIds.closedUnit } }],
    ['recipient-cannot-receive', 422, { recipient: { sorId: sorIds.municipalityOwner } }],
    ['recipient-is-sender', 422, { recipient: { sorId: sorIds.psychiatryUnit } }],
    [
      'recipient-name-mismatch',
      422,
      {
        recipient: {
          sorId: sorIds.socialPsychiatry,
          expectedName: 'Testby Kommune, Socialpsykiatri og Udsatte Voksne',
        },
      },
    ],
  ])('%s', async (code, status, overrides) => {
    const before = await letterTableCounts(stack.database.db);
    const letter = testLetter({ ...overrides, acknowledgedWarnings: allWarnings });
    const checked = await preview(letter);
    expect(checked.status).toBe(200);
    expect(codes(checked.body.blocking)[0]).toBe(code);
    const res = await send(letter);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(codes(res.body.blocking)).toContain(code);
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('a name mismatch shows both names; the right name or display name passes', async () => {
    const res = await send(
      testLetter({ recipient: { sorId: sorIds.socialPsychiatry, expectedName: 'Testby Socialpsykiatri' } }),
    );
    expect(res.body).toMatchObject({
      code: 'recipient-name-mismatch',
      expectedName: 'Testby Socialpsykiatri',
      currentName: 'Testby Kommune, Socialpsykiatri',
    });
    const checked = await preview(
      testLetter({ recipient: { sorId: sorIds.socialPsychiatry, expectedName: 'testby  kommune socialpsykiatri' } }),
    );
    expect(checked.body.blocking).toEqual([]);
  });

  it('a sender organisation missing from the directory → sender-unknown; one the client may not use → 403', async () => {
    const client = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Ukendt', roles: ['sender'], senders: ['888881000016888'] });
    const unknown = await send(testLetter({ sender: { sorId: '888881000016888' } }), client.body.key);
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('sender-unknown');
    const foreign = await send(testLetter({ sender: { sorId: sorIds.gpClinic } }));
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('sender-not-allowed');
  });
});

describe('warnings hold the letter until acknowledged', () => {
  it('preview shows the path in plain words and every warning; submit answers 409 listing them', async () => {
    const letter = testLetter({
      acknowledgedWarnings: [],
      patient: { cpr: '2509479989', name: { given: 'A', family: 'B' }, municipalityCode: '740' },
    });
    const checked = await preview(letter);
    expect(checked.body.recipient).toMatchObject({
      sorId: sorIds.socialPsychiatry,
      path: ['Testby Kommune', 'Testby Kommune, Socialpsykiatri'],
      acceptsCareCommunication: true,
    });
    expect(codes(checked.body.warnings).sort()).toEqual([...allWarnings].sort());
    const confusable = checked.body.warnings.find((w: { code: string }) => w.code === 'confusable-name');
    expect(confusable.details.lookalikes[0]).toMatchObject({
      sorId: lookalikeSorId,
      onlyInLookalike: ['og', 'Udsatte', 'Voksne'],
    });

    const held = await send(letter);
    expect(held.status).toBe(409);
    expect(held.body.code).toBe('confirmation-required');
    expect(codes(held.body.warnings).sort()).toEqual([...allWarnings].sort());
    const partly = await send({ ...letter, acknowledgedWarnings: ['first-contact'] });
    expect(codes(partly.body.warnings).sort()).toEqual(['confusable-name', 'municipality-mismatch']);
  });

  it('once acknowledged the letter is accepted, each acknowledgement an audit event on it', async () => {
    const letter = testLetter({
      acknowledgedWarnings: allWarnings,
      patient: { cpr: '2509479989', name: { given: 'A', family: 'B' }, municipalityCode: '740' },
    });
    const res = await send(letter);
    expect(res.status).toBe(202);
    expect(codes(res.body.warnings).sort()).toEqual([...allWarnings].sort());
    const events = await stack
      .api()
      .get(`/v1/messages/${res.body.id}/events`)
      .auth(stack.senderKey, { type: 'bearer' });
    const acknowledged = events.body.events.filter((e: { action: string }) => e.action === 'warning-acknowledged');
    expect(acknowledged.map((e: { details: { code: string } }) => e.details.code).sort()).toEqual(
      [...allWarnings].sort(),
    );
    // The second letter to the same mailbox is no first contact any more.
    const second = await preview(letter);
    expect(codes(second.body.warnings)).not.toContain('first-contact');
  });

  it('preview stores nothing', async () => {
    const before = await letterTableCounts(stack.database.db);
    await preview(testLetter());
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });
});

describe('a mailbox whose name reads the same as the recipient’s', () => {
  it('is the first look-alike, and the warning says which word only looks alike', async () => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({
        sorId: '200041000016008',
        ean: ean('579000020005'),
        // "rn" for "m": the TR39 skeleton is the same, though few trigrams are.
        name: 'Testby Kornrnune, Socialpsykiatri',
        parentSorId: sorIds.municipalityOwner,
        sector: 'municipality',
        municipalityCode: '751',
        accepts: ['CareCommunication'],
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const checked = await preview(testLetter({ acknowledgedWarnings: [] }));
    const confusable = checked.body.warnings.find((w: { code: string }) => w.code === 'confusable-name');
    expect(confusable.details.lookalikes[0]).toMatchObject({
      sorId: '200041000016008',
      similarity: 1,
      readsAs: ['"Kornrnune" where the other has "Kommune"'],
    });
    expect(confusable.message).toContain('reads the same: "Kornrnune" where the other has "Kommune"');
  });
});
