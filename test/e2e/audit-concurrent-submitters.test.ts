import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditChain } from '../../gateway/audit/audit-verify.ts';
import { testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { waitForSealedTrail } from '../support/sealed-trail.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

it('8 clinical systems submitting at once, while adapters report deliveries, still make one valid chain', async () => {
  const submitters = 8;
  const lettersEach = 6;
  const submitted = await Promise.all(
    Array.from({ length: submitters }, async () => {
      const ids: string[] = [];
      for (let i = 0; i < lettersEach; i += 1) {
        const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
        expect(res.status).toBe(202);
        ids.push(res.body.id);
      }
      return ids;
    }),
  );
  const letterIds = submitted.flat();
  for (const id of letterIds) await waitForStatus(stack, id, 'delivered');
  await waitForSealedTrail(stack.database.db);

  const rows = (await stack.database.db.query<{ seq: string }>('SELECT seq FROM audit_events ORDER BY seq')).rows.map(
    (row) => Number(row.seq),
  );
  expect(rows).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  const accepted = await stack.database.db.query(
    `SELECT count(*)::int AS n FROM audit_events WHERE action = 'accepted'`,
  );
  expect(accepted.rows[0].n).toBe(submitters * lettersEach);

  expect(await verifyAuditChain(stack.database.db, {}, { batchSize: 7 })).toMatchObject({
    ok: true,
    checked: rows.length,
  });
  const auditor = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  const res = await stack.api().get('/v1/audit/verify').auth(auditor.body.key, { type: 'bearer' });
  expect(res.body).toMatchObject({ ok: true, checked: rows.length + 1 });
});
