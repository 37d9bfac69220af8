import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxSchema, type MailboxCreate } from '../../schemas/mailbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { findConfusableMailboxes } from '../../routing/confusables.ts';
import {
  DirectoryError,
  effectiveEan,
  getMailbox,
  getMailboxes,
  insertMailbox,
  mailboxPath,
  updateMailbox,
  type Mailbox,
} from '../../routing/directory.ts';
import { findConfusable, nameSimilarity } from '../../routing/names.ts';

const admin = randomUUID();
let database: TestDatabase;

const aarhusKommune: MailboxCreate = {
  sorId: '751000016000',
  ean: '5790000209354',
  name: 'Aarhus Kommune',
  kind: 'owner',
  sector: 'municipality',
  municipalityCode: '751',
  accepts: [],
};
const socialforvaltningen: MailboxCreate = {
  sorId: '751100016000',
  name: 'Aarhus Kommune, Socialforvaltningen',
  displayName: 'Socialforvaltningen',
  parentSorId: aarhusKommune.sorId,
  kind: 'institution',
  sector: 'municipality',
  municipalityCode: '751',
  accepts: [],
};
const socialpsykiatri: MailboxCreate = {
  sorId: '751110016000',
  name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri',
  parentSorId: socialforvaltningen.sorId,
  sector: 'municipality',
  municipalityCode: '751',
  accepts: ['CareCommunication;1.0'],
};
const udsatteVoksne: MailboxCreate = {
  ...socialpsykiatri,
  sorId: '751120016000',
  name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri og Udsatte Voksne',
};

async function expectDirectoryError(promise: Promise<unknown>, code: DirectoryError['code']): Promise<DirectoryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  expect((error as DirectoryError).code).toBe(code);
  return error as DirectoryError;
}

async function history(sorId: string) {
  const result = await database.db.query<{
    version: number;
    change: string;
    changed_by: string;
    before: Mailbox | null;
    after: Mailbox;
  }>('SELECT version, change, changed_by, before, after FROM mailbox_history WHERE sor_id = $1 ORDER BY id', [sorId]);
  return result.rows;
}

beforeAll(async () => {
  database = await createTestDatabase();
  for (const mailbox of [aarhusKommune, socialforvaltningen, socialpsykiatri, udsatteVoksne]) {
    await insertMailbox(database.db, mailbox, admin);
  }
});

afterAll(async () => {
  await database?.drop();
});

describe('adding a mailbox', () => {
  it('stores it at version 1 with the defaults, in the shape of the Mailbox schema', async () => {
    const mailbox = await getMailbox(database.db, socialpsykiatri.sorId);
    expect(mailbox).toMatchObject({
      ...socialpsykiatri,
      kind: 'unit',
      active: true,
      version: 1,
      ean: null,
      endpoint: null,
      validTo: null,
    });
    const ajv = new Ajv({ strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(mailboxSchema);
    expect(validate(mailbox), JSON.stringify(validate.errors)).toBe(true);
  });

  it('records who created it in the history, with the mailbox as the after image', async () => {
    const rows = await history(aarhusKommune.sorId);
    const stored = await getMailbox(database.db, aarhusKommune.sorId);
    expect(rows).toEqual([{ version: 1, change: 'create', changed_by: admin, before: null, after: stored }]);
  });

  it('keeps dates as calendar days', async () => {
    const created = await insertMailbox(
      database.db,
      {
        sorId: '751130016000',
        name: 'Aarhus Kommune, Midlertidig',
        sector: 'municipality',
        accepts: [],
        validFrom: '2025-01-01',
        validTo: '2025-12-31',
      },
      null,
    );
    expect(created).toMatchObject({ validFrom: '2025-01-01', validTo: '2025-12-31' });
  });

  it('refuses a SOR id already in the directory', async () => {
    await expectDirectoryError(
      insertMailbox(database.db, { ...socialpsykiatri, name: 'Another name' }, admin),
      'mailbox-exists',
    );
    expect((await getMailbox(database.db, socialpsykiatri.sorId))?.name).toBe(socialpsykiatri.name);
  });

  it('refuses an EAN with a wrong check digit, an unknown parent and a malformed SOR id', async () => {
    await expectDirectoryError(
      insertMailbox(database.db, { ...socialpsykiatri, sorId: '10999000001', ean: '5790000209355' }, admin),
      'ean-invalid',
    );
    await expectDirectoryError(
      insertMailbox(database.db, { ...socialpsykiatri, sorId: '10999000002', parentSorId: '10999999999' }, admin),
      'parent-unknown',
    );
    await expectDirectoryError(
      insertMailbox(database.db, { ...socialpsykiatri, sorId: '99-000003' }, admin),
      'sor-id-invalid',
    );
    expect((await getMailboxes(database.db, ['10999000001', '10999000002'])).size).toBe(0);
  });
});

describe('reading mailboxes', () => {
  it('answers undefined for an unknown SOR id', async () => {
    expect(await getMailbox(database.db, '10123123123')).toBeUndefined();
  });

  it('fetches several at once, keyed by SOR id, leaving out unknown ones', async () => {
    const found = await getMailboxes(database.db, [
      socialpsykiatri.sorId,
      aarhusKommune.sorId,
      '10123123123',
      aarhusKommune.sorId,
    ]);
    expect([...found.keys()].sort()).toEqual([aarhusKommune.sorId, socialpsykiatri.sorId]);
    expect(found.get(aarhusKommune.sorId)?.name).toBe('Aarhus Kommune');
  });
});

describe('changing a mailbox', () => {
  const sorId = '751140016000';

  beforeAll(async () => {
    await insertMailbox(
      database.db,
      {
        sorId,
        name: 'Aarhus Kommune, Hjemmeplejen Nord',
        sector: 'municipality',
        accepts: ['CareCommunication'],
        endpoint: 'https://nexus.example/in',
      },
      admin,
    );
  });

  it('applies a patch at the expected version, bumps the version and records before and after', async () => {
    const before = await getMailbox(database.db, sorId);
    const updated = await updateMailbox(
      database.db,
      sorId,
      { displayName: 'Hjemmeplejen Nord', endpoint: null },
      1,
      admin,
    );
    expect(updated).toMatchObject({
      version: 2,
      displayName: 'Hjemmeplejen Nord',
      endpoint: null,
      name: 'Aarhus Kommune, Hjemmeplejen Nord',
    });
    const rows = await history(sorId);
    expect(rows.at(-1)).toEqual({ version: 2, change: 'update', changed_by: admin, before, after: updated });
  });

  it('refuses a stale version and leaves the mailbox and its history unchanged', async () => {
    const error = await expectDirectoryError(
      updateMailbox(database.db, sorId, { name: 'Lost update' }, 1, admin),
      'version-conflict',
    );
    expect(error.details).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    expect((await getMailbox(database.db, sorId))?.name).toBe('Aarhus Kommune, Hjemmeplejen Nord');
    expect(await history(sorId)).toHaveLength(2);
  });

  it('lets exactly one of two simultaneous edits of the same version win', async () => {
    const outcomes = await Promise.allSettled([
      updateMailbox(database.db, sorId, { address: 'Vej 1' }, 2, admin),
      updateMailbox(database.db, sorId, { address: 'Vej 2' }, 2, admin),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'version-conflict' });
    expect((await getMailbox(database.db, sorId))?.version).toBe(3);
  });

  it('refuses an unknown mailbox, a wrong EAN and an unknown parent', async () => {
    await expectDirectoryError(updateMailbox(database.db, '10123123123', { name: 'x' }, 1, admin), 'mailbox-not-found');
    await expectDirectoryError(updateMailbox(database.db, sorId, { ean: '5790000209350' }, 3, admin), 'ean-invalid');
    await expectDirectoryError(
      updateMailbox(database.db, sorId, { parentSorId: '10123123123' }, 3, admin),
      'parent-unknown',
    );
  });

  it('refuses to hang a mailbox below itself or its own descendant', async () => {
    await expectDirectoryError(
      updateMailbox(database.db, aarhusKommune.sorId, { parentSorId: aarhusKommune.sorId }, 1, admin),
      'parent-cycle',
    );
    await expectDirectoryError(
      updateMailbox(database.db, aarhusKommune.sorId, { parentSorId: socialpsykiatri.sorId }, 1, admin),
      'parent-cycle',
    );
  });
});

describe('the hierarchy', () => {
  it('gives the path from the owner down to the unit, display names where set', async () => {
    expect(await mailboxPath(database.db, socialpsykiatri.sorId)).toEqual([
      'Aarhus Kommune',
      'Socialforvaltningen',
      socialpsykiatri.name,
    ]);
    expect(await mailboxPath(database.db, aarhusKommune.sorId)).toEqual(['Aarhus Kommune']);
    expect(await mailboxPath(database.db, '10123123123')).toEqual([]);
  });

  it('delivers to the nearest ancestor EAN when a unit has none, and to its own when it has one', async () => {
    expect(await effectiveEan(database.db, socialpsykiatri.sorId)).toBe('5790000209354');
    const own = await insertMailbox(
      database.db,
      {
        sorId: '751150016000',
        ean: '5790000000050',
        name: 'Aarhus Kommune, Bostedet',
        parentSorId: socialforvaltningen.sorId,
        sector: 'municipality',
        accepts: [],
      },
      admin,
    );
    expect(await effectiveEan(database.db, own.sorId)).toBe('5790000000050');
    const orphan = await insertMailbox(
      database.db,
      { sorId: '751160016000', name: 'Uden EAN', sector: 'gp', accepts: [] },
      admin,
    );
    expect(await effectiveEan(database.db, orphan.sorId)).toBeUndefined();
  });

  it('stops at a parent cycle written behind the directory’s back instead of looping', async () => {
    await database.db.query(
      `INSERT INTO mailboxes (sor_id, name, sector, parent_sor_id) VALUES ('10888000001', 'Cycle A', 'gp', '10888000002'), ('10888000002', 'Cycle B', 'gp', '10888000001')`,
    );
    expect(await mailboxPath(database.db, '10888000001')).toEqual(['Cycle B', 'Cycle A']);
    expect(await effectiveEan(database.db, '10888000001')).toBeUndefined();
  });
});

describe('confusable mailboxes', () => {
  beforeAll(async () => {
    const extra: MailboxCreate[] = [
      {
        sorId: '751170016000',
        name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap',
        sector: 'municipality',
        accepts: [],
      },
      {
        sorId: '751180016000',
        name: 'Århus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri Øst',
        sector: 'municipality',
        accepts: [],
        active: false,
      },
      {
        sorId: '751190016000',
        name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri Syd',
        sector: 'municipality',
        accepts: [],
        validTo: '2020-12-31',
      },
      {
        sorId: '666100016000',
        name: 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri',
        sector: 'region',
        accepts: [],
      },
      { sorId: '740100016000', name: 'Silkeborg Kommune, Sundhed og Omsorg', sector: 'municipality', accepts: [] },
    ];
    for (const mailbox of extra) await insertMailbox(database.db, mailbox, admin);
  });

  it('finds the seed look-alike among active mailboxes of the same sector, most similar first', async () => {
    const found = await findConfusableMailboxes(database.db, { ...socialpsykiatri, sector: 'municipality' });
    const sorIds = found.map((match) => match.mailbox.sorId);
    expect(sorIds[0]).toBe(udsatteVoksne.sorId);
    expect(sorIds).toContain('751170016000');
    // Not itself, not inactive or expired ones, not another sector's, not dissimilar names.
    for (const excluded of [socialpsykiatri.sorId, '751180016000', '751190016000', '666100016000', '740100016000']) {
      expect(sorIds).not.toContain(excluded);
    }
  });

  it('agrees with the pure findConfusable over the same mailboxes', async () => {
    const all = await database.db.query<{ sor_id: string }>(
      `SELECT sor_id FROM mailboxes WHERE sector = 'municipality' AND active AND (valid_to IS NULL OR valid_to >= current_date) AND sor_id <> $1`,
      [socialpsykiatri.sorId],
    );
    const candidates = [
      ...(
        await getMailboxes(
          database.db,
          all.rows.map((row) => row.sor_id),
        )
      ).values(),
    ];
    const expected = findConfusable(socialpsykiatri.name, candidates, 0.5);
    const found = await findConfusableMailboxes(
      database.db,
      { ...socialpsykiatri, sector: 'municipality' },
      { threshold: 0.5 },
    );
    expect(found.map((match) => [match.mailbox.sorId, match.similarity])).toEqual(
      expected.map((match) => [match.candidate.sorId, match.similarity]),
    );
  });

  it('normalises names in PostgreSQL exactly as names.ts does', async () => {
    const pairs = [
      [socialpsykiatri.name, udsatteVoksne.name],
      ['Århus Kommune, Ældre & Børn', 'AARHUS kommune aeldre og boern'],
      ['Café Sønderå', 'Cafe Sonderaa'],
    ] as const;
    for (const [a, b] of pairs) {
      const result = await database.db.query<{ similarity: number }>(
        'SELECT similarity(postbud_name_key($1), postbud_name_key($2)) AS similarity',
        [a, b],
      );
      expect(result.rows[0]!.similarity).toBeCloseTo(nameSimilarity(a, b), 5);
    }
  });
});
