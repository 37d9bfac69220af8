import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ean, sorIds, testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => stack.adminKey;
const mailboxUrl = (sorId: string) => `/v1/directory/mailboxes/${sorId}`;
const get = (sorId: string) => stack.api().get(mailboxUrl(sorId)).auth(stack.senderKey, { type: 'bearer' });
const patch = (sorId: string, body: object, ifMatch?: string) => {
  const call = stack.api().patch(mailboxUrl(sorId)).auth(admin(), { type: 'bearer' });
  return (ifMatch === undefined ? call : call.set('If-Match', ifMatch)).send(body);
};
const deactivate = (sorId: string, body?: object) => {
  const call = stack
    .api()
    .post(`${mailboxUrl(sorId)}/deactivate`)
    .auth(admin(), { type: 'bearer' });
  return body ? call.send(body) : call;
};
const create = (mailbox: object) =>
  stack.api().post('/v1/directory/mailboxes').auth(admin(), { type: 'bearer' }).send(mailbox);

async function auditEvents(sorId: string) {
  const result = await stack.database.db.query<{
    action: string;
    actor_name: string;
    details: Record<string, unknown>;
  }>('SELECT action, actor_name, details FROM audit_events WHERE sor_id = $1 ORDER BY seq', [sorId]);
  return result.rows;
}

describe('an admin changes a mailbox with If-Match', () => {
  const sorId = sorIds.gpClinic;

  it('refuses a PATCH without If-Match: 428 precondition-required, nothing changed', async () => {
    const res = await patch(sorId, { displayName: 'Lægerne' });
    expect(res.status).toBe(428);
    expect(res.body.code).toBe('precondition-required');
    expect((await get(sorId)).body.displayName).toBeNull();
  });

  it('applies it at the version read, answers the new ETag, and audits mailbox-updated', async () => {
    const read = await get(sorId);
    expect(read.headers.etag).toBe('"1"');
    const res = await patch(
      sorId,
      { displayName: 'Lægerne i Testby', address: 'Torvet 1, 8000 Aarhus C' },
      read.headers.etag,
    );
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({ sorId, version: 2, displayName: 'Lægerne i Testby', path: ['Lægerne i Testby'] });
    const [, updated] = await auditEvents(sorId);
    expect(updated).toMatchObject({
      action: 'mailbox-updated',
      actor_name: 'bootstrap-admin',
      details: {
        version: 2,
        changes: {
          displayName: { before: null, after: 'Lægerne i Testby' },
          address: { before: null, after: 'Torvet 1, 8000 Aarhus C' },
        },
      },
    });
  });

  it('refuses a stale version: 412 version-conflict naming the current one, nothing changed', async () => {
    const res = await patch(sorId, { displayName: 'Lost update' }, '"1"');
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ code: 'version-conflict', expectedVersion: 1, currentVersion: 2 });
    const malformed = await patch(sorId, { displayName: 'Lost update' }, 'W/"2"');
    expect(malformed.status).toBe(412);
    expect((await get(sorId)).body.displayName).toBe('Lægerne i Testby');
  });

  it('validates the body and the roles', async () => {
    expect((await patch(sorId, { ean: '123' }, '"2"')).status).toBe(422);
    expect((await patch(sorId, { ean: '5790000209355' }, '"2"')).body.code).toBe('ean-invalid');
    expect((await patch(sorId, { successorSorId: sorId }, '"2"')).body.code).toBe('successor-invalid');
    const asSender = await stack
      .api()
      .patch(mailboxUrl(sorId))
      .auth(stack.senderKey, { type: 'bearer' })
      .set('If-Match', '"2"')
      .send({ name: 'x' });
    expect(asSender.status).toBe(403);
    expect((await patch('999999999', { name: 'x' }, '"1"')).status).toBe(404);
  });

  it('shows who changed what and when in the history, oldest first', async () => {
    const res = await stack
      .api()
      .get(`${mailboxUrl(sorId)}/history`)
      .auth(stack.senderKey, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    const [created, updated] = res.body.items;
    expect(created).toMatchObject({
      version: 1,
      change: 'create',
      changedBy: { name: 'bootstrap-admin' },
      before: null,
      after: { displayName: null },
    });
    expect(updated).toMatchObject({
      version: 2,
      change: 'update',
      changedBy: { id: expect.any(String), name: 'bootstrap-admin' },
      before: { version: 1, displayName: null },
      after: { version: 2, displayName: 'Lægerne i Testby' },
    });
    expect(Date.parse(updated.changedAt)).toBeGreaterThanOrEqual(Date.parse(created.changedAt));
    expect(
      (
        await stack
          .api()
          .get(`${mailboxUrl('999999999')}/history`)
          .auth(admin(), { type: 'bearer' })
      ).status,
    ).toBe(404);
  });
});

describe('an admin deactivates a mailbox, naming its successor', () => {
  const successor = {
    sorId: '200031000016007',
    ean: ean('579000020004'),
    name: 'Testby Kommune, Socialpsykiatri og Udsatte Voksne',
    parentSorId: sorIds.municipalityOwner,
    sector: 'municipality',
    municipalityCode: '751',
    accepts: ['CareCommunication'],
  };

  beforeAll(async () => {
    expect((await create(successor)).status).toBe(201);
  });

  it('refuses a successor that is itself, unknown, or out of operation', async () => {
    expect((await deactivate(sorIds.socialPsychiatry, { successorSorId: sorIds.socialPsychiatry })).body.code).toBe(
      'successor-invalid',
    );
    expect((await deactivate(sorIds.socialPsychiatry, { successorSorId: '99999999999' })).body.code).toBe(
      'successor-invalid',
    );
    const closed = await deactivate(sorIds.socialPsychiatry, { successorSorId: sorIds.closedUnit });
    expect(closed.status).toBe(422);
    expect(closed.body).toMatchObject({ code: 'successor-invalid', successorState: 'deactivated' });
    expect((await get(sorIds.socialPsychiatry)).body.active).toBe(true);
  });

  it('schedules a closing on a future day: the mailbox still receives until then', async () => {
    const res = await deactivate(successor.sorId, { validTo: '2999-12-31' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: true, validTo: '2999-12-31', scheduled: true, version: 2 });
    const undone = await patch(successor.sorId, { validTo: null }, res.headers.etag);
    expect(undone.status).toBe(200);
  });

  it('closes it now, keeps it (never deleted), audits it, and letters to it are refused naming the successor', async () => {
    const read = await get(sorIds.socialPsychiatry);
    const res = await deactivate(sorIds.socialPsychiatry, { successorSorId: successor.sorId }).set(
      'If-Match',
      read.headers.etag!,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: false,
      successorSorId: successor.sorId,
      scheduled: false,
      version: read.body.version + 1,
    });
    expect(res.body.validTo).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const events = await auditEvents(sorIds.socialPsychiatry);
    expect(events.at(-1)).toMatchObject({
      action: 'mailbox-deactivated',
      details: { successorSorId: successor.sorId, scheduled: false },
    });

    const letter = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(letter.status).toBe(422);
    expect(letter.body.code).toBe('recipient-inactive');
    expect(letter.body.successor).toMatchObject({
      sorId: successor.sorId,
      name: successor.name,
      ean: successor.ean,
      path: ['Testby Kommune', successor.name],
    });
    expect(letter.body.detail ?? letter.body.title).toContain(successor.sorId);
  });

  it('answers a repeated deactivation unchanged, without a new version or event', async () => {
    const before = (await get(sorIds.socialPsychiatry)).body;
    const eventsBefore = (await auditEvents(sorIds.socialPsychiatry)).length;
    const res = await deactivate(sorIds.socialPsychiatry, { successorSorId: successor.sorId, validTo: before.validTo });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(before.version);
    expect(await auditEvents(sorIds.socialPsychiatry)).toHaveLength(eventsBefore);
  });

  it('has no way to delete a mailbox', async () => {
    const res = await stack.api().delete(mailboxUrl(sorIds.socialPsychiatry)).auth(admin(), { type: 'bearer' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).not.toContain('DELETE');
    expect((await get(sorIds.socialPsychiatry)).status).toBe(200);
  });
});

describe('searching the directory over the API', () => {
  it('finds a mailbox by words of its path and answers path, sector, EAN and status', async () => {
    const res = await stack
      .api()
      .get('/v1/directory/mailboxes')
      .query({ q: 'testby psykoser' })
      .auth(stack.senderKey, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({
      sorId: sorIds.psychiatryUnit,
      path: ['Region Testland', 'Testland Psykiatri, Afdeling for Psykoser'],
      sector: 'region',
      ean: ean('579000010002'),
      acceptsCareCommunication: true,
      active: true,
    });
  });

  it('pages with a cursor bound to the search, and refuses a foreign cursor or a bad limit', async () => {
    const search = (query: Record<string, string | number>) =>
      stack.api().get('/v1/directory/mailboxes').query(query).auth(stack.senderKey, { type: 'bearer' });
    const first = await search({ q: 'testby', limit: 2 });
    expect(first.body).toMatchObject({
      limit: 2,
      offset: 0,
      total: expect.any(Number),
      nextCursor: expect.any(String),
    });
    expect(first.body.total).toBeGreaterThan(2);
    const second = await search({ q: 'testby', limit: 2, cursor: first.body.nextCursor });
    expect(second.body.offset).toBe(2);
    const seen = [...first.body.items, ...second.body.items].map((hit: { sorId: string }) => hit.sorId);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await search({ q: 'region', cursor: first.body.nextCursor })).body.code).toBe('cursor-invalid');
    expect((await search({ q: 'testby', limit: 1000 })).body.code).toBe('query-invalid');
    expect((await search({ sector: 'hospital' })).status).toBe(400);
  });

  it('filters by sector, kommunekode, accepted type and operation', async () => {
    const search = (query: Record<string, string>) =>
      stack.api().get('/v1/directory/mailboxes').query(query).auth(stack.senderKey, { type: 'bearer' });
    const gps = await search({ sector: 'gp' });
    expect(gps.body.items.map((hit: { sorId: string }) => hit.sorId)).toEqual([sorIds.gpClinic]);
    const inactive = await search({ municipalityCode: '751', active: 'false' });
    expect(inactive.body.items.map((hit: { sorId: string }) => hit.sorId).sort()).toEqual(
      [sorIds.socialPsychiatry, sorIds.closedUnit].sort(),
    );
    const receiving = await search({ q: 'testby', accepts: 'CareCommunication', active: 'true' });
    expect(
      receiving.body.items.every(
        (hit: { acceptsCareCommunication: boolean; state: string }) =>
          hit.acceptsCareCommunication && hit.state === 'in-operation',
      ),
    ).toBe(true);
  });
});
