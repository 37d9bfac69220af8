import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ean, sorIds, testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let auditorKey: string;
let gpSenderKey: string;
const lookAlike = { sorId: '200031000016007', name: 'Testby Kommune, Socialpsykiatri og Udsatte Voksne' };
const letters: Record<string, string> = {};
let startedAt: string;

const warnings = ['first-contact', 'confusable-name'];

/** A letter delivered and then answered by the receiving clerk. */
async function letterAnswered(key: string, from: string, to: string, answer: Record<string, unknown>): Promise<string> {
  const res = await stack
    .api()
    .post('/v1/messages')
    .auth(key, { type: 'bearer' })
    .send(testLetter({ sender: { sorId: from }, recipient: { sorId: to }, acknowledgedWarnings: warnings }));
  expect(res.status).toBe(202);
  await delivered(res.body.id);
  const ack = await stack
    .api()
    .post('/v1/acknowledgements')
    .auth(stack.adapterKey, { type: 'bearer' })
    .send({ messageId: res.body.id, ...answer });
  expect(ack.status).toBe(200);
  return res.body.id;
}

/** Polls as the auditor, who sees every letter (waitForStatus asks as the psychiatry's client). */
async function delivered(letterId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (
    (await stack.api().get(`/v1/messages/${letterId}`).auth(auditorKey, { type: 'bearer' })).body.status !== 'delivered'
  ) {
    if (Date.now() > deadline) throw new Error(`letter ${letterId} was not delivered`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const wrongRecipient = (extra: Record<string, unknown> = {}) => ({
  outcome: 'negative',
  code: 'wrong-recipient',
  ...extra,
});

const report = async (query: string, key = auditorKey) =>
  stack.api().get(`/v1/audit/misroutes${query}`).auth(key, { type: 'bearer' });

beforeAll(async () => {
  stack = await startTestStack();
  const admin = (path: string, body: object) =>
    stack.api().post(path).auth(stack.adminKey, { type: 'bearer' }).send(body);
  auditorKey = (await admin('/v1/admin/clients', { name: 'Revision', roles: ['auditor'] })).body.key;
  gpSenderKey = (
    await admin('/v1/admin/clients', { name: 'Lægesystem', roles: ['sender'], senders: [sorIds.gpClinic] })
  ).body.key;
  // The name a clinician takes for "… Socialpsykiatri" (the seed document's own example).
  const added = await admin('/v1/directory/mailboxes', {
    ...lookAlike,
    ean: ean('579000020004'),
    parentSorId: sorIds.municipalityOwner,
    sector: 'municipality',
    municipalityCode: '751',
    accepts: ['CareCommunication'],
  });
  expect(added.status).toBe(201);
  startedAt = new Date().toISOString();

  const { psychiatryUnit: psychiatry, socialPsychiatry, gpClinic } = sorIds;
  letters.psychToSocial1 = await letterAnswered(
    stack.senderKey,
    psychiatry,
    socialPsychiatry,
    wrongRecipient({ correctSorId: lookAlike.sorId }),
  );
  letters.psychToSocial2 = await letterAnswered(
    stack.senderKey,
    psychiatry,
    socialPsychiatry,
    wrongRecipient({ text: `Ikke vores borger (cpr ${testCpr})` }),
  );
  letters.gpToSocial = await letterAnswered(
    gpSenderKey,
    gpClinic,
    socialPsychiatry,
    wrongRecipient({ correctSorId: lookAlike.sorId }),
  );
  letters.psychToGp = await letterAnswered(stack.senderKey, psychiatry, gpClinic, wrongRecipient());
  letters.rightOne = await letterAnswered(stack.senderKey, psychiatry, socialPsychiatry, { outcome: 'positive' });
});
afterAll(async () => {
  await stack?.stop();
});

type Group = {
  sender?: { sorId: string };
  recipient?: { sorId: string };
  count: number;
  letters: Array<{ letterId: string }>;
};
const summary = (groups: Group[]) =>
  groups.map((group) => ({
    key: [group.sender?.sorId, group.recipient?.sorId].filter(Boolean).join('>'),
    count: group.count,
    letters: group.letters.map((letter) => letter.letterId).sort(),
  }));
const sorted = (...ids: string[]) => [...ids].sort();

describe('where misroutes come from', () => {
  it('groups misrouted letters by recipient, with the look-alike mailboxes the guards know of', async () => {
    const res = await report('?groupBy=recipient');
    expect(res.status).toBe(200);
    expect(res.body.misroutedLetters).toBe(4);
    expect(summary(res.body.groups)).toEqual([
      {
        key: sorIds.socialPsychiatry,
        count: 3,
        letters: sorted(letters.psychToSocial1!, letters.psychToSocial2!, letters.gpToSocial!),
      },
      { key: sorIds.gpClinic, count: 1, letters: [letters.psychToGp] },
    ]);
    const social = res.body.groups[0];
    expect(social.recipient.name).toBe('Testby Kommune, Socialpsykiatri');
    expect(social.lookAlikes).toEqual([
      { sorId: lookAlike.sorId, name: lookAlike.name, similarity: expect.any(Number), intendedInstead: 2 },
    ]);
    expect(social.lookAlikes[0].similarity).toBeGreaterThanOrEqual(0.6);
    const meant = social.letters.find((letter: { letterId: string }) => letter.letterId === letters.psychToSocial1);
    expect(meant).toMatchObject({
      intended: lookAlike,
      sources: ['acknowledgement'],
      status: 'misrouted',
      reroutedTo: null,
    });
    expect(
      res.body.recipients.map((recipient: { sorId: string; misroutedLetters: number }) => [
        recipient.sorId,
        recipient.misroutedLetters,
      ]),
    ).toEqual(
      [
        [sorIds.socialPsychiatry, 3],
        [sorIds.gpClinic, 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('groups by sender organisation', async () => {
    const res = await report('?groupBy=sender');
    expect(summary(res.body.groups)).toEqual([
      {
        key: sorIds.psychiatryUnit,
        count: 3,
        letters: sorted(letters.psychToSocial1!, letters.psychToSocial2!, letters.psychToGp!),
      },
      { key: sorIds.gpClinic, count: 1, letters: [letters.gpToSocial] },
    ]);
    expect(res.body.groups[0].lookAlikes).toBeUndefined();
    // The look-alikes per misrouted recipient are there whatever the grouping.
    const social = res.body.recipients.find(
      (recipient: { sorId: string }) => recipient.sorId === sorIds.socialPsychiatry,
    );
    expect(social.lookAlikes.map((alike: { sorId: string }) => alike.sorId)).toEqual([lookAlike.sorId]);
  });

  it('groups by sender and recipient pair', async () => {
    const res = await report('?groupBy=senderRecipientPair');
    expect(summary(res.body.groups)).toEqual([
      {
        key: `${sorIds.psychiatryUnit}>${sorIds.socialPsychiatry}`,
        count: 2,
        letters: sorted(letters.psychToSocial1!, letters.psychToSocial2!),
      },
      { key: `${sorIds.gpClinic}>${sorIds.socialPsychiatry}`, count: 1, letters: [letters.gpToSocial] },
      { key: `${sorIds.psychiatryUnit}>${sorIds.gpClinic}`, count: 1, letters: [letters.psychToGp] },
    ]);
  });

  it('counts only misroutes reported within from/to', async () => {
    expect((await report(`?to=${encodeURIComponent(startedAt)}`)).body).toMatchObject({
      misroutedLetters: 0,
      groups: [],
    });
    expect((await report(`?from=${encodeURIComponent(startedAt)}&to=2999-01-01`)).body.misroutedLetters).toBe(4);
    expect((await report('?groupBy=mailbox')).status).toBe(422);
  });

  it('shows a clerk note with the CPR masked, and never a full CPR', async () => {
    const res = await report('?groupBy=recipient');
    expect(res.text).not.toContain(testCpr);
    const trace = await stack
      .api()
      .get(`/v1/audit/letters/${letters.psychToSocial2}/trace`)
      .auth(auditorKey, { type: 'bearer' });
    expect(trace.body.misroutes).toEqual([
      expect.objectContaining({ source: 'acknowledgement', note: 'Ikke vores borger (cpr 250947-xxxx)' }),
    ]);
    const reported = trace.body.events.find((event: { action: string }) => event.action === 'misroute-reported');
    expect(reported).toMatchObject({ details: { note: 'Ikke vores borger (cpr 250947-xxxx)' }, detailsMasked: true });
    expect(trace.text).not.toContain(testCpr);
  });

  it("links a reroute both ways: in the report, and in either letter's trace with the other's events", async () => {
    const reroute = await stack
      .api()
      .post(`/v1/messages/${letters.psychToSocial1}/reroute`)
      .auth(stack.senderKey, { type: 'bearer' })
      .send({ acknowledgedWarnings: warnings });
    expect(reroute.status).toBe(202);
    const newId = reroute.body.id as string;

    const byRecipient = await report('?groupBy=recipient');
    const entry = byRecipient.body.groups[0].letters.find(
      (letter: { letterId: string }) => letter.letterId === letters.psychToSocial1,
    );
    expect(entry.reroutedTo).toBe(newId);

    const trace = (id: string) => stack.api().get(`/v1/audit/letters/${id}/trace`).auth(auditorKey, { type: 'bearer' });
    const actions = (events: Array<{ action: string }>) => events.map((event) => event.action);
    const old = (await trace(letters.psychToSocial1!)).body;
    expect(actions(old.events).slice(-3)).toEqual(['misrouted', 'misroute-reported', 'rerouted']);
    expect(old.events.at(-1).details).toMatchObject({ toLetterId: newId });
    expect(old.misroutes).toEqual([expect.objectContaining({ correctSorId: lookAlike.sorId, reroutedTo: newId })]);
    expect(old.letter.reroutedTo).toEqual([newId]);
    expect(old.reroutes.from).toBeNull();
    expect(old.reroutes.to).toHaveLength(1);
    expect(old.reroutes.to[0].letter).toMatchObject({
      id: newId,
      reroutedFrom: letters.psychToSocial1,
      recipient: { sorId: lookAlike.sorId },
    });
    expect(actions(old.reroutes.to[0].events)).toContain('accepted');

    const fresh = (await trace(newId)).body;
    expect(fresh.letter.reroutedFrom).toBe(letters.psychToSocial1);
    expect(fresh.reroutes.from.letter.id).toBe(letters.psychToSocial1);
    expect(actions(fresh.reroutes.from.events)).toEqual(actions(old.events));
    expect(fresh.reroutes.to).toEqual([]);
  });

  it('is for auditors and administrators', async () => {
    expect((await report('', stack.adminKey)).status).toBe(200);
    expect((await report('', stack.senderKey)).status).toBe(403);
  });
});
