import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ean, sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  // An earlier SOR extract put these four in the directory.
  const first = await importCsv(csv(owner, institution, healthVisitors, homeCare));
  expect(first.body).toMatchObject({ created: 4, committed: true });
});
afterAll(async () => {
  await stack?.stop();
});

const header = 'sorId;parentSorId;kind;name;sector;municipalityCode;ean;accepts';
const csv = (...lines: string[]) => `${[header, ...lines].join('\r\n')}\r\n`;
const owner = `779100001000016001;;owner;Skive Kommune;municipality;779;${ean('579000077901')};`;
const institution = `779200001000016002;779100001000016001;institution;Skive Kommune, Sundhed og Ældre;municipality;779;${ean('579000077902')};`;
const healthVisitors = `779300001000016003;779200001000016002;unit;Skive Kommune, Sundhedsplejen;municipality;779;${ean('579000077903')};CareCommunication`;
const homeCare = `779400001000016004;779200001000016002;unit;Skive Kommune, Hjemmeplejen;municipality;779;${ean('579000077904')};CareCommunication`;
const homeCareSorId = '779400001000016004';

function importCsv(text: string, query: Record<string, string> = {}) {
  return stack
    .api()
    .post('/v1/directory/import')
    .query(query)
    .auth(stack.adminKey, { type: 'bearer' })
    .set('Content-Type', 'text/csv; charset=utf-8')
    .send(text);
}

const isActive = async (sorId: string) =>
  (await stack.api().get(`/v1/directory/mailboxes/${sorId}`).auth(stack.senderKey, { type: 'bearer' })).body
    .active as boolean;

async function deactivationEvents(sorId: string) {
  const result = await stack.database.db.query<{ details: Record<string, unknown> }>(
    `SELECT details FROM audit_events WHERE action = 'mailbox-deactivated' AND sor_id = $1`,
    [sorId],
  );
  return result.rows.map((row) => row.details);
}

describe('an SOR import that deactivates the mailboxes missing from the extract', () => {
  it('is off by default: a mailbox the extract leaves out stays active', async () => {
    const res = await importCsv(csv(owner, institution, healthVisitors));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('deactivatedMissing');
    expect(await isActive(homeCareSorId)).toBe(true);
  });

  it('a dry run lists which mailboxes would be deactivated and changes nothing', async () => {
    const res = await importCsv(csv(owner, institution, healthVisitors), { dryRun: 'true', deactivateMissing: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      committed: false,
      deactivatedMissing: [{ sorId: homeCareSorId, name: 'Skive Kommune, Hjemmeplejen' }],
    });
    expect(await isActive(homeCareSorId)).toBe(true);
    expect(await deactivationEvents(homeCareSorId)).toEqual([]);
  });

  it('refuses when a row has no SOR id, since any mailbox could be that row', async () => {
    const res = await importCsv(csv(owner, institution, healthVisitors, ';;unit;Uden id;municipality;779;;'), {
      deactivateMissing: 'true',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('import-missing-unsafe');
    expect(await isActive(homeCareSorId)).toBe(true);
  });

  it('a rejected row still counts as listed: its mailbox is not deactivated', async () => {
    const brokenHomeCare = homeCare.replace(ean('579000077904'), '5790000779040');
    const res = await importCsv(csv(owner, institution, healthVisitors, brokenHomeCare), {
      dryRun: 'true',
      deactivateMissing: 'true',
    });
    expect(res.body.rejected).toEqual([expect.objectContaining({ sorId: homeCareSorId })]);
    expect(res.body.deactivatedMissing).toEqual([]);
  });

  it('deactivates only imported mailboxes the extract leaves out, each with an audit event and history', async () => {
    const res = await importCsv(csv(owner, institution, healthVisitors), { deactivateMissing: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      committed: true,
      deactivated: 0,
      deactivatedMissing: [{ sorId: homeCareSorId, name: 'Skive Kommune, Hjemmeplejen' }],
    });
    expect(await isActive(homeCareSorId)).toBe(false);
    expect(await deactivationEvents(homeCareSorId)).toEqual([
      expect.objectContaining({ reason: 'missing-from-import', source: 'api' }),
    ]);
    const history = await stack
      .api()
      .get(`/v1/directory/mailboxes/${homeCareSorId}/history`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(history.body.items.at(-1)).toMatchObject({ change: 'deactivate', before: { active: true } });
    // Mailboxes created by hand are outside an extract's scope, though this file lists none of them.
    for (const sorId of Object.values(sorIds).filter((id) => id !== sorIds.closedUnit))
      expect(await isActive(sorId)).toBe(true);
    // Already closed: a second run has nothing more to deactivate.
    const again = await importCsv(csv(owner, institution, healthVisitors), { deactivateMissing: 'true' });
    expect(again.body.deactivatedMissing).toEqual([]);
  });
});
