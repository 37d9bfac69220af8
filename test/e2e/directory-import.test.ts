import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ean } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let workDir: string;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  workDir = await mkdtemp(join(tmpdir(), 'postbud-import-'));
});
afterAll(async () => {
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const header = 'sorId;parentSorId;kind;name;displayName;sector;municipalityCode;ean;accepts;active;successorSorId';
const csv = (...lines: string[]) => `${[header, ...lines].join('\r\n')}\r\n`;

// Children before their parent, a BOM, CRLF, and a quoted name holding the delimiter.
const skive = [
  '779300001000016003;779200001000016002;unit;"Skive Kommune; Sundhedsplejen";Sundhedsplejen;municipality;779;;"CareCommunication;1.0";;',
  `779200001000016002;779100001000016001;institution;Skive Kommune, Sundhed og Ældre;Sundhed og Ældre;municipality;779;${ean('579000077902')};;;`,
  `779100001000016001;;owner;Skive Kommune;;municipality;779;${ean('579000077901')};;;`,
  `779400001000016004;779200001000016002;unit;Skive Kommune, Hjemmeplejen;Hjemmeplejen;municipality;779;${ean('579000077904')};CareCommunication;ja;`,
];

function importCsv(
  text: string | Buffer,
  query: Record<string, string> = {},
  key = stack.adminKey,
  type = 'text/csv; charset=utf-8',
) {
  return stack
    .api()
    .post('/v1/directory/import')
    .query(query)
    .auth(key, { type: 'bearer' })
    .set('Content-Type', type)
    .send(text);
}

async function count(table: string): Promise<number> {
  const result = await stack.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0]!.n;
}

const mailbox = (sorId: string) =>
  stack.api().get(`/v1/directory/mailboxes/${sorId}`).auth(stack.senderKey, { type: 'bearer' });

describe('importing an SOR extract over the API', () => {
  it('a dry run reports what would happen and writes nothing', async () => {
    const before = {
      mailboxes: await count('mailboxes'),
      history: await count('mailbox_history'),
      events: await count('audit_events'),
    };
    const res = await importCsv(`\uFEFF${csv(...skive)}`, { dryRun: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      rows: 4,
      created: 4,
      updated: 0,
      deactivated: 0,
      unchanged: 0,
      rejected: [],
      dryRun: true,
      committed: false,
    });
    expect({
      mailboxes: await count('mailboxes'),
      history: await count('mailbox_history'),
      events: await count('audit_events'),
    }).toEqual(before);
  });

  it('creates the mailboxes, parents after children, with their paths, history and one audit event', async () => {
    const res = await importCsv(`\uFEFF${csv(...skive)}`);
    expect(res.body).toMatchObject({ rows: 4, created: 4, updated: 0, unchanged: 0, rejected: [], committed: true });
    const unit = await mailbox('779300001000016003');
    expect(unit.body).toMatchObject({
      name: 'Skive Kommune; Sundhedsplejen',
      accepts: ['CareCommunication;1.0'],
      path: ['Skive Kommune', 'Sundhed og Ældre', 'Sundhedsplejen'],
      active: true,
      version: 1,
    });
    const events = await stack.database.db.query(
      `SELECT actor_name, details FROM audit_events WHERE action = 'mailbox-imported'`,
    );
    expect(events.rows).toEqual([
      {
        actor_name: 'bootstrap-admin',
        details: expect.objectContaining({
          source: 'api',
          rows: 4,
          created: 4,
          rejected: 0,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      },
    ]);
    const history = await stack
      .api()
      .get('/v1/directory/mailboxes/779300001000016003/history')
      .auth(stack.adminKey, { type: 'bearer' });
    expect(history.body.items).toMatchObject([
      { version: 1, change: 'import', changedBy: { name: 'bootstrap-admin' }, before: null },
    ]);
  });

  it('importing the same file again changes nothing', async () => {
    const historyBefore = await count('mailbox_history');
    const res = await importCsv(csv(...skive));
    expect(res.body).toMatchObject({ created: 0, updated: 0, deactivated: 0, unchanged: 4, rejected: [] });
    expect(await count('mailbox_history')).toBe(historyBefore);
    expect((await mailbox('779300001000016003')).body.version).toBe(1);
  });

  it('updates a changed row, and deactivates through the active column with a successor', async () => {
    const res = await importCsv(
      csv(
        skive[0]!.replace(';Sundhedsplejen;', ';Sundhedsplejen Skive;'),
        skive[3]!.replace(';ja;', `;false;779300001000016003`),
      ),
    );
    expect(res.body).toMatchObject({ rows: 2, created: 0, updated: 1, deactivated: 1, unchanged: 0, rejected: [] });
    expect((await mailbox('779300001000016003')).body).toMatchObject({
      displayName: 'Sundhedsplejen Skive',
      version: 2,
    });
    expect((await mailbox('779400001000016004')).body).toMatchObject({
      active: false,
      successorSorId: '779300001000016003',
      version: 2,
    });
  });

  it('rejects bad rows with line numbers and reasons and writes the good ones', async () => {
    const res = await importCsv(
      csv(
        `779500001000016005;779100001000016001;unit;Skive Kommune, Visitationen;;municipality;779;${ean('579000077905')};CareCommunication;;`,
        '779600001000016006;779100001000016001;unit;Forkert EAN;;municipality;779;5790000779061;CareCommunication;;',
        '779700001000016007;888800001000016008;unit;Ukendt forælder;;municipality;779;;CareCommunication;;',
        '779800001000016008;779700001000016007;unit;Barn af afvist;;municipality;779;;CareCommunication;;',
        '123;;unit;Kort SOR-id;;municipality;779;;;;',
        '779900001000016009;;unit;For få felter',
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 6, created: 1, committed: true });
    expect(res.body.rejected).toEqual([
      { line: 3, sorId: '779600001000016006', reason: 'ean has a wrong GS1 check digit' },
      {
        line: 4,
        sorId: '779700001000016007',
        reason: 'parent 888800001000016008 is neither in the directory nor in the file',
      },
      { line: 5, sorId: '779800001000016008', reason: 'parent 779700001000016007 is rejected (line 4)' },
      { line: 6, sorId: '123', reason: 'sorId must be a SOR id of 11 to 18 digits' },
      { line: 7, sorId: '779900001000016009', reason: 'has 4 fields, the header has 11' },
    ]);
    expect((await mailbox('779500001000016005')).status).toBe(200);
    expect((await mailbox('779600001000016006')).status).toBe(404);
  });

  it('all-or-nothing writes nothing when a row is rejected: 422 import-rejected with the report', async () => {
    const before = await count('mailboxes');
    const res = await importCsv(
      csv(
        `779110001000016010;779100001000016001;unit;Ny enhed;;municipality;779;;CareCommunication;;`,
        '779120001000016011;;unit;;;municipality;779;;;;',
      ),
      { allOrNothing: 'true' },
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'import-rejected',
      report: { created: 1, committed: false, rejected: [{ line: 3, reason: 'name is missing' }] },
    });
    expect(await count('mailboxes')).toBe(before);
  });

  it('refuses a file it cannot read at all', async () => {
    expect((await importCsv('sorId;name\r\n1;x\r\n')).body).toMatchObject({
      status: 422,
      code: 'import-header-invalid',
    });
    expect((await importCsv(`${header}\r\n`)).body.code).toBe('import-empty');
    const windows1252 = Buffer.concat([
      Buffer.from(`${header}\r\n779130001000016012;;unit;S`),
      Buffer.from([0xf8]),
      Buffer.from('nderbro;;gp;;;;;\r\n'),
    ]);
    expect((await importCsv(windows1252)).body).toMatchObject({ status: 422, code: 'import-encoding-invalid' });
    expect((await importCsv(csv(...skive), {}, stack.adminKey, 'text/csv; charset=windows-1252')).status).toBe(415);
    expect((await importCsv(csv(...skive), {}, stack.adminKey, 'application/json')).status).toBe(415);
    expect((await importCsv(csv(...skive), { dryRun: 'yes' })).body.code).toBe('query-invalid');
    expect((await importCsv(csv(...skive), {}, stack.senderKey)).status).toBe(403);
  });
});

describe('postbud directory import (CLI)', () => {
  const cli = fileURLToPath(new URL('../../gateway/cli.ts', import.meta.url));
  function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'directory', 'import', ...args], {
        env: { PATH: process.env.PATH, DATABASE_URL: stack.database.url },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('imports a file, prints the report, and exits 2 when rows were rejected', async () => {
    const file = join(workDir, 'viborg.csv');
    await writeFile(
      file,
      csv(
        `791100001000016001;;owner;Viborg Kommune;;municipality;791;${ean('579000079101')};;;`,
        '791200001000016002;;unit;;;municipality;791;;;;',
      ),
    );

    const dry = await run(file, '--dry-run');
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('dry run, nothing written: created 1');
    expect(dry.stdout).toContain('line 3 (SOR 791200001000016002): name is missing');
    expect((await mailbox('791100001000016001')).status).toBe(404);

    const all = await run(file, '--all-or-nothing');
    expect(all.code).toBe(2);
    expect((await mailbox('791100001000016001')).status).toBe(404);

    const real = await run(file, '--json');
    expect(real.code).toBe(2);
    expect(JSON.parse(real.stdout)).toMatchObject({ created: 1, committed: true, rejected: [{ line: 3 }] });
    expect((await mailbox('791100001000016001')).body).toMatchObject({
      name: 'Viborg Kommune',
      path: ['Viborg Kommune'],
    });
    const history = await stack
      .api()
      .get('/v1/directory/mailboxes/791100001000016001/history')
      .auth(stack.adminKey, { type: 'bearer' });
    expect(history.body.items[0].changedBy).toEqual({
      id: null,
      name: expect.stringMatching(/^postbud directory import/),
    });
  });

  it('exits 0 on a clean file and 1 with one line for a file that is not there', async () => {
    const file = join(workDir, 'clean.csv');
    await writeFile(file, csv(`791100001000016001;;owner;Viborg Kommune;;municipality;791;${ean('579000079101')};;;`));
    const clean = await run(file);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain('unchanged 1, rejected 0');
    const missing = await run(join(workDir, 'missing.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
