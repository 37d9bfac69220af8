import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../gateway/platform/db.ts';
import { getLetter } from '../../gateway/letters/letter-store.ts';
import { assertLetterNotPurged, parseRetentionPeriod, purgeLetters } from '../../gateway/letters/letter-retention.ts';
import { testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { waitForSealedTrail } from '../support/sealed-trail.ts';

const run = promisify(execFile);

let stack: TestStack;
let db: Db;
let auditorKey: string;
let oldLetter: string;
let recentLetter: string;
let eventsBefore: Array<{ seq: string; hash: string }>;

async function cliPurge(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', 'purge', ...args], {
    env: { ...process.env, DATABASE_URL: stack.database.url },
  });
  return JSON.parse(stdout);
}

const count = async (sql: string, letterId: string) => Number((await db.query(sql, [letterId])).rows[0].n);
const chunksOf = (letterId: string) =>
  count('SELECT count(*) AS n FROM attachment_chunks WHERE letter_id = $1', letterId);

beforeAll(async () => {
  stack = await startTestStack();
  db = stack.database.db;
  auditorKey = (
    await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Revision', roles: ['auditor'] })
  ).body.key;
  const submit = async () => {
    const res = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ attachments: withBase64(testFiles(3, 100_000)) }));
    expect(res.status).toBe(202);
    await waitForStatus(stack, res.body.id, 'delivered');
    return res.body.id as string;
  };
  oldLetter = await submit();
  recentLetter = await submit();
  // Seven months ago, as far as retention is concerned.
  await db.query(`UPDATE letters SET created_at = now() - interval '210 days' WHERE id = $1`, [oldLetter]);
  await waitForSealedTrail(db);
  eventsBefore = (await db.query('SELECT seq, hash FROM audit_events ORDER BY seq')).rows;
});
afterAll(async () => {
  await stack?.stop();
});

describe('postbud purge --older-than', () => {
  it('reads periods in days or hours and refuses anything else', () => {
    expect(parseRetentionPeriod('180d')).toBe(180 * 86_400_000);
    expect(parseRetentionPeriod('12h')).toBe(12 * 3_600_000);
    for (const wrong of ['180', '6m', '-1d', 'd']) expect(() => parseRetentionPeriod(wrong)).toThrow(RangeError);
  });

  it('a dry run counts the letters due and changes nothing', async () => {
    expect(await cliPurge('--older-than', '180d', '--dry-run')).toMatchObject({ purged: 1, dryRun: true });
    expect(await chunksOf(oldLetter)).toBeGreaterThan(0);
  });

  it('removes the XML, envelope and attachment bytes of letters past the period, keeping digests and events', async () => {
    const attachmentsBefore = (
      await db.query('SELECT position, size, sha256 FROM attachments WHERE letter_id = $1 ORDER BY position', [
        oldLetter,
      ])
    ).rows;
    expect(await cliPurge('--older-than', '180d')).toMatchObject({ purged: 1, dryRun: false });

    const letter = (
      await db.query(
        'SELECT length(xml_template) AS xml, length(envelope) AS envelope, purged_at FROM letters WHERE id = $1',
        [oldLetter],
      )
    ).rows[0];
    expect(letter).toMatchObject({ xml: 0, envelope: 0, purged_at: expect.any(Date) });
    expect(await chunksOf(oldLetter)).toBe(0);
    expect(
      (
        await db.query('SELECT position, size, sha256 FROM attachments WHERE letter_id = $1 ORDER BY position', [
          oldLetter,
        ])
      ).rows,
    ).toEqual(attachmentsBefore);
    // The recent letter is untouched.
    expect(await chunksOf(recentLetter)).toBeGreaterThan(0);
    expect(
      await count(
        'SELECT count(*) AS n FROM letters WHERE id = $1 AND purged_at IS NULL AND length(xml_template) > 0',
        recentLetter,
      ),
    ).toBe(1);

    // Every earlier event is still there, unchanged; the purge added one `purged` event.
    const after = (await db.query('SELECT seq, hash, action, letter_id, details FROM audit_events ORDER BY seq')).rows;
    expect(after.slice(0, eventsBefore.length).map(({ seq, hash }) => ({ seq, hash }))).toEqual(eventsBefore);
    expect(after.slice(eventsBefore.length)).toEqual([
      expect.objectContaining({
        action: 'purged',
        letter_id: oldLetter,
        details: expect.objectContaining({ olderThan: '180d', attachmentChunksRemoved: expect.any(Number) }),
      }),
    ]);

    const verify = await stack.api().get('/v1/audit/verify').auth(auditorKey, { type: 'bearer' });
    expect(verify.body).toMatchObject({ ok: true, checked: after.length });
  });

  it('is idempotent: a second run finds nothing more to purge', async () => {
    expect(await purgeLetters(db, { olderThan: '180d' })).toMatchObject({ purged: 0 });
  });

  it('leaves metadata and the trace readable, and marks the content as gone (410 letter-purged)', async () => {
    const status = await stack.api().get(`/v1/messages/${oldLetter}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.status).toBe(200);
    expect(status.body.attachments).toHaveLength(3);
    const trace = await stack.api().get(`/v1/audit/letters/${oldLetter}/trace`).auth(auditorKey, { type: 'bearer' });
    expect(trace.body.letter.purgedAt).toEqual(expect.any(String));
    expect(trace.body.events.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['accepted', 'queued', 'delivered', 'purged']),
    );
    const [oldRow, recentRow] = [await getLetter(db, oldLetter), await getLetter(db, recentLetter)];
    expect(() => assertLetterNotPurged(oldRow!)).toThrow(
      expect.objectContaining({ status: 410, code: 'letter-purged' }),
    );
    expect(() => assertLetterNotPurged(recentRow!)).not.toThrow();
    const xml = await stack.api().get(`/v1/messages/${oldLetter}/xml`).auth(stack.senderKey, { type: 'bearer' });
    expect(xml.status).toBe(410);
    expect(xml.body.code).toBe('letter-purged');
  });

  it('leaves letters still on their way alone, however old', async () => {
    const res = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    await db.query(`UPDATE letters SET created_at = now() - interval '400 days', status = 'queued' WHERE id = $1`, [
      res.body.id,
    ]);
    expect(await purgeLetters(db, { olderThan: '180d', now: new Date() })).toMatchObject({ purged: 0 });
  });
});
