import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds, testCpr, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let auditorKey: string;
let formulaSenderKey: string;
let letterId: string;
let otherPatientLetterId: string;
const otherCpr = '0101011234';

/** Every way a full CPR could appear in an answer. */
const fullCprForms = [testCpr, `${testCpr.slice(0, 6)}-${testCpr.slice(6)}`, otherCpr];

const asAuditor = (path: string) => stack.api().get(path).auth(auditorKey, { type: 'bearer' });

async function submit(key: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.api().post('/v1/messages').auth(key, { type: 'bearer' }).send(testLetter(overrides));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

beforeAll(async () => {
  stack = await startTestStack();
  const client = async (body: object) =>
    (await stack.api().post('/v1/admin/clients').auth(stack.adminKey, { type: 'bearer' }).send(body)).body
      .key as string;
  auditorKey = await client({ name: 'Revision', roles: ['auditor'] });
  // A client name a spreadsheet would run as a formula: it reaches the CSV as the actor's name.
  formulaSenderKey = await client({
    name: '=HYPERLINK("http://evil.example","klik")',
    roles: ['sender'],
    senders: [sorIds.psychiatryUnit],
  });

  // The first attempt fails at the receiving system, the second delivers; then a positive ack.
  stack.receiver.script([503, 200]);
  letterId = await submit(stack.senderKey, { attachments: withBase64(testFiles(2, 2_000)) });
  await waitForStatus(stack, letterId, 'delivered');
  const ack = await stack
    .api()
    .post('/v1/acknowledgements')
    .auth(stack.adapterKey, { type: 'bearer' })
    .send({ messageId: letterId, outcome: 'positive' });
  expect(ack.status).toBe(200);

  otherPatientLetterId = await submit(formulaSenderKey, { patient: { ...testLetter().patient, cpr: otherCpr } });
  await waitForStatus(stack, otherPatientLetterId, 'delivered');
});
afterAll(async () => {
  await stack?.stop();
});

describe("a letter's trace for the auditor", () => {
  it('tells the whole story in order, with the delivery attempts the adapter made', async () => {
    const res = await asAuditor(`/v1/audit/letters/${letterId}/trace`);
    expect(res.status).toBe(200);
    const actions = res.body.events.map((event: { action: string }) => event.action);
    expect(actions).toEqual([
      'warning-acknowledged',
      'accepted',
      'queued',
      'delivery-attempt-failed',
      'delivered',
      'acknowledged',
    ]);
    const seqs = res.body.events.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(res.body.letter).toMatchObject({
      id: letterId,
      status: 'acknowledged',
      submittedBy: { name: 'Test EPJ' },
      sender: { sorId: sorIds.psychiatryUnit, name: 'Testland Psykiatri, Afdeling for Psykoser' },
      recipient: { sorId: sorIds.socialPsychiatry, name: 'Testby Kommune, Socialpsykiatri', sector: 'municipality' },
      reroutedFrom: null,
      reroutedTo: [],
      purgedAt: null,
    });
    expect(res.body.deliveryAttempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'attempt-failed',
        httpStatus: 503,
        // A coarse outcome: where and why in network terms is operator data.
        failure: 'receiver-error',
      }),
      expect.objectContaining({ attempt: 2, outcome: 'delivered', httpStatus: 200, durationMs: expect.any(Number) }),
    ]);
    expect(JSON.stringify(res.body.deliveryAttempts)).not.toContain(stack.receiver.url);
    expect(res.body.misroutes).toEqual([]);
    expect(res.body.reroutes).toEqual({ from: null, to: [] });
    expect(JSON.stringify(res.body)).not.toMatch(/Patienten udskrives|Berggren|Nancy/);
  });

  it('answers 404 for an unknown letter and 403 for anyone but an auditor', async () => {
    expect((await asAuditor('/v1/audit/letters/00000000-0000-4000-8000-000000000000/trace')).status).toBe(404);
    expect((await asAuditor('/v1/audit/letters/not-a-uuid/trace')).status).toBe(404);
    for (const key of [stack.senderKey, stack.adminKey, stack.adapterKey]) {
      const res = await stack.api().get(`/v1/audit/letters/${letterId}/trace`).auth(key, { type: 'bearer' });
      expect(res.status).toBe(403);
    }
  });

  it('auditors never get the letter text: the XML answers 403', async () => {
    const res = await asAuditor(`/v1/messages/${letterId}/xml`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('role-forbidden');
  });
});

describe('searching the trail', () => {
  it('finds the letters of a patient by full CPR, with or without dash, showing the CPR masked', async () => {
    for (const cpr of [testCpr, `${testCpr.slice(0, 6)}-${testCpr.slice(6)}`]) {
      const res = await asAuditor(`/v1/audit/events?cpr=${cpr}&order=asc`);
      expect(res.status).toBe(200);
      expect(res.body.cpr).toBe('250947-xxxx');
      expect(new Set(res.body.events.map((event: { letterId: string }) => event.letterId))).toEqual(
        new Set([letterId]),
      );
    }
    const other = await asAuditor(`/v1/audit/events?cpr=${otherCpr}`);
    expect(new Set(other.body.events.map((event: { letterId: string }) => event.letterId))).toEqual(
      new Set([otherPatientLetterId]),
    );
  });

  it('searches by CPR in a POST body too, with the same answer and no CPR in any URL', async () => {
    const res = await stack
      .api()
      .post('/v1/audit/events/search')
      .auth(auditorKey, { type: 'bearer' })
      .send({ cpr: testCpr, order: 'asc' });
    expect(res.status).toBe(200);
    expect(res.body.cpr).toBe('250947-xxxx');
    const viaGet = await asAuditor(`/v1/audit/events?cpr=${testCpr}&order=asc`);
    expect(res.body.events).toEqual(viaGet.body.events);
    const refused = await stack
      .api()
      .post('/v1/audit/events/search')
      .auth(auditorKey, { type: 'bearer' })
      .send({ cpr: testCpr, patient: 'x' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).not.toContain(testCpr);
  });

  it('refuses a CPR that is not a date (422) and unknown or repeated parameters, without echoing them', async () => {
    const invalid = await asAuditor('/v1/audit/events?cpr=3213991234');
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('cpr-invalid');
    expect(JSON.stringify(invalid.body)).not.toContain('3213991234');
    expect((await asAuditor('/v1/audit/events?patient=x')).body.code).toBe('query-invalid');
    expect((await asAuditor('/v1/audit/events?action=a&action=b')).status).toBe(422);
    expect((await asAuditor('/v1/audit/events?from=yesterday')).status).toBe(422);
  });

  it('filters by letter, sender, recipient, action and time', async () => {
    const byLetter = await asAuditor(`/v1/audit/events?letterId=${otherPatientLetterId}&order=asc`);
    expect(byLetter.body.events.map((event: { action: string }) => event.action)).toEqual([
      'accepted',
      'queued',
      'delivered',
    ]);
    expect(byLetter.body.events[0].actor.name).toBe('=HYPERLINK("http://evil.example","klik")');

    const delivered = await asAuditor(
      `/v1/audit/events?recipientSorId=${sorIds.socialPsychiatry}&action=delivered,acknowledged`,
    );
    expect(
      delivered.body.events.map((event: { action: string; letterId: string }) => `${event.action}:${event.letterId}`),
    ).toEqual([`delivered:${otherPatientLetterId}`, `acknowledged:${letterId}`, `delivered:${letterId}`]);
    expect((await asAuditor(`/v1/audit/events?senderSorId=${sorIds.gpClinic}`)).body.events).toEqual([]);
    const clients = await asAuditor('/v1/audit/events?action=client-created');
    expect(clients.body.events.map((event: { details: { name: string } }) => event.details.name)).toContain('Revision');

    const all = await asAuditor('/v1/audit/events?order=asc&limit=1000');
    const middle = all.body.events[Math.floor(all.body.events.length / 2)];
    const later = await asAuditor(`/v1/audit/events?order=asc&limit=1000&from=${encodeURIComponent(middle.at)}`);
    expect(later.body.events.every((event: { at: string }) => event.at >= middle.at)).toBe(true);
    const earlier = await asAuditor(`/v1/audit/events?order=asc&limit=1000&to=${encodeURIComponent(middle.at)}`);
    expect(earlier.body.events.length + later.body.events.length).toBe(all.body.events.length);
    expect((await asAuditor('/v1/audit/events?to=2000-01-01')).body.events).toEqual([]);
  });

  it('pages by cursor, newest first by default, without losing or repeating an event', async () => {
    const all = await asAuditor('/v1/audit/events?limit=1000');
    const seqs = all.body.events.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (const order of ['asc', 'desc']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { events: Array<{ seq: number }>; nextCursor: string | null } } = await asAuditor(
          `/v1/audit/events?order=${order}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.body.events.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.events.map((event) => event.seq));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(order === 'asc' ? [...seqs].reverse() : seqs);
    }
  });
});

describe('the CSV export', () => {
  it('holds the same events as the JSON answer, as UTF-8 CSV with formulas neutralised', async () => {
    const json = await asAuditor(`/v1/audit/events?recipientSorId=${sorIds.socialPsychiatry}&order=asc&limit=1000`);
    const res = await asAuditor(`/v1/audit/events.csv?recipientSorId=${sorIds.socialPsychiatry}&order=asc`).buffer(
      true,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    // Separated by ";", the list separator Danish Excel opens a CSV with.
    expect(lines[0]).toBe('seq;at;actorId;actorName;action;letterId;sorId;details;prevHash;hash');
    expect(lines.slice(1).map((line) => Number(line.split(';')[0]))).toEqual(
      json.body.events.map((event: { seq: number }) => event.seq),
    );
    const formulaRows = lines.filter((line) => line.includes('HYPERLINK'));
    expect(formulaRows.length).toBeGreaterThan(0);
    for (const line of formulaRows) expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""klik"")"`);
    expect(lines.some((line) => /[;,]=|^=|[;,]"=/.test(line))).toBe(false);
  });

  it('takes the same filters, including CPR', async () => {
    const res = await asAuditor(`/v1/audit/events.csv?cpr=${otherCpr}&action=accepted`).buffer(true);
    const rows = res.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
      .slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(otherPatientLetterId);
  });
});

it('no answer to an auditor holds a full CPR', async () => {
  const answers = await Promise.all([
    asAuditor(`/v1/audit/events?cpr=${testCpr}&limit=1000`),
    asAuditor(`/v1/audit/events?cpr=${otherCpr}&limit=1000`),
    asAuditor('/v1/audit/events?limit=1000'),
    asAuditor(`/v1/audit/events.csv?cpr=${testCpr}`).buffer(true),
    asAuditor('/v1/audit/events.csv').buffer(true),
    asAuditor(`/v1/audit/letters/${letterId}/trace`),
    asAuditor(`/v1/audit/letters/${otherPatientLetterId}/trace`),
    asAuditor('/v1/audit/misroutes'),
    asAuditor('/v1/audit/verify'),
  ]);
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    for (const form of fullCprForms) expect(answer.text).not.toContain(form);
  }
});
