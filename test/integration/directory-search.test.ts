import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { getMailbox, updateMailbox } from '../../routing/directory.ts';
import { applyImport, readImportFile } from '../../routing/import.ts';
import { searchMailboxes, type MailboxSearch } from '../../routing/search.ts';

const demoCsv = readFileSync(fileURLToPath(new URL('../../routing/demo/midtjylland.csv', import.meta.url)), 'utf8');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const tx = await database.db.connect();
  try {
    await tx.query('BEGIN');
    const outcome = await applyImport(tx, readImportFile(demoCsv), { id: null, name: 'test' });
    expect(outcome.rejected).toEqual([]);
    await tx.query('COMMIT');
  } finally {
    tx.release();
  }
});
afterAll(async () => {
  await database?.drop();
});

const search = (q: string, extra: Partial<MailboxSearch> = {}) =>
  searchMailboxes(database.db, { q, limit: 10, offset: 0, ...extra });
const paths = async (q: string, extra: Partial<MailboxSearch> = {}) =>
  (await search(q, extra)).items.map((hit) => hit.path.join(' › '));

/** What a clinician types, and the mailbox they mean (its path in plain words). */
const intended: Array<[query: string, path: string]> = [
  ['socialpsykiatri aarhus', 'Aarhus Kommune › Socialforvaltningen › Voksne Job og Handicap › Socialpsykiatri'],
  [
    'Århus socialpsykiatri udsatte voksne',
    'Aarhus Kommune › Socialforvaltningen › Voksne Job og Handicap › Socialpsykiatri og Udsatte Voksne',
  ],
  ['sundhedspleje silkeborg', 'Silkeborg Kommune › Sundhed og Omsorg › Sundhedsplejen'],
  ['sundhedspl silkeb', 'Silkeborg Kommune › Sundhed og Omsorg › Sundhedsplejen'],
  ['sundhedsplejen silkebrog', 'Silkeborg Kommune › Sundhed og Omsorg › Sundhedsplejen'],
  ['psykiatrisk afd viborg', 'Region Midtjylland › Regionspsykiatrien Midt › Psykiatrisk Afdeling Viborg'],
  ['hjemmepleje aarhus nord', 'Aarhus Kommune › Sundhed og Omsorg › Hjemmeplejen Nord'],
  ['gødstrup medicinsk', 'Region Midtjylland › Regionshospitalet Gødstrup › Medicinsk Afdeling'],
  ['godstrup akut', 'Region Midtjylland › Regionshospitalet Gødstrup › Akutafdelingen'],
  ['aeldresygdomme aarhus universitetshospital', 'Region Midtjylland › Aarhus Universitetshospital › Ældresygdomme'],
  ['AUH hjertesygdomme', 'Region Midtjylland › Aarhus Universitetshospital › Hjertesygdomme'],
  [
    'børne ungdomspsykiatri aarhus',
    'Region Midtjylland › Aarhus Universitetshospital Psykiatrien › Børne- og Ungdomspsykiatrisk Afdeling',
  ],
  ['distriktspsykiatri holstebro', 'Region Midtjylland › Regionspsykiatrien Vest › Distriktspsykiatrien Holstebro'],
  ['psykoser aarhus', 'Region Midtjylland › Aarhus Universitetshospital Psykiatrien › Afdeling for Psykoser'],
  ['opus aarhus', 'Region Midtjylland › Aarhus Universitetshospital Psykiatrien › Afdeling for Psykoser › OPUS Aarhus'],
  ['rusmiddelcenter randers', 'Randers Kommune › Social og Arbejdsmarked › Rusmiddelcenter Randers'],
  ['misbrug herning', 'Herning Kommune › Social og Beskæftigelse › Misbrugsbehandling'],
  ['visitation skive', 'Skive Kommune › Sundhed og Ældre › Visitationen'],
  ['sundhedspleje samsø', 'Samsø Kommune › Sundhed og Ældre › Sundhedsplejen'],
  ['sundhedspleje samso', 'Samsø Kommune › Sundhed og Ældre › Sundhedsplejen'],
  ['socialpsykiatri struer', 'Struer Kommune › Social og Psykiatri › Socialpsykiatri'],
  ['hjemmepleje ringkobing skjern', 'Ringkøbing-Skjern Kommune › Sundhed og Omsorg › Hjemmeplejen Ringkøbing'],
  ['laegerne sondergade skive', 'Lægerne Søndergade, Skive'],
  ['lægehuset hinnerup', 'Lægehuset i Hinnerup'],
  [
    'medicinsk afdeling skive',
    'Region Midtjylland › Hospitalsenhed Midt › Regionshospitalet Skive › Medicinsk Afdeling',
  ],
  ['psykiatrisk afdeling randers', 'Region Midtjylland › Regionspsykiatrien Randers › Psykiatrisk Afdeling Randers'],
  [
    'kvindesygdomme fødsler viborg',
    'Region Midtjylland › Hospitalsenhed Midt › Regionshospitalet Viborg › Kvindesygdomme og Fødsler',
  ],
  ['akutteam aarhus', 'Aarhus Kommune › Sundhed og Omsorg › Akutteamet'],
  ['ortopaedkirurgi horsens', 'Region Midtjylland › Regionshospitalet Horsens › Ortopædkirurgi'],
  [
    'distriktspsykiatrien djursland',
    'Region Midtjylland › Regionspsykiatrien Randers › Distriktspsykiatrien Djursland',
  ],
  [
    'bostøtte midtbyen aarhus',
    'Aarhus Kommune › Socialforvaltningen › Voksne Job og Handicap › Socialpsykiatri › Socialpsykiatri Bostøtte Midtbyen',
  ],
  ['ældrepsykiatri', 'Region Midtjylland › Regionspsykiatrien Vest › Ældrepsykiatrisk Team Vest'],
];

describe('searching the Region Midtjylland demo directory', () => {
  it.each(intended)('"%s" has the intended unit in the top 3', async (query, path) => {
    const top3 = (await paths(query)).slice(0, 3);
    expect(top3).toContain(path);
  });

  it('covers at least 20 realistic queries', () => {
    expect(intended.length).toBeGreaterThanOrEqual(20);
  });

  it('answers each hit with its path, sector, effective EAN, CareCommunication and whether it is active', async () => {
    const [hit] = (await search('socialpsykiatri bostøtte nord aarhus')).items;
    expect(hit).toMatchObject({
      path: [
        'Aarhus Kommune',
        'Socialforvaltningen',
        'Voksne Job og Handicap',
        'Socialpsykiatri',
        'Socialpsykiatri Bostøtte Nord',
      ],
      sector: 'municipality',
      municipalityCode: '751',
      acceptsCareCommunication: true,
      active: true,
      state: 'in-operation',
    });
    // The team has no EAN of its own: letters go to its parent's.
    const parent = await getMailbox(database.db, (await search('socialpsykiatri aarhus')).items[0]!.sorId);
    expect(hit!.ean).toBe(parent!.ean);
  });

  it('shows a closed unit as inactive, with its successor, after the open ones', async () => {
    const hits = (await search('medicinsk afdeling herning')).items;
    const closed = hits.find(
      (hit) => hit.path.join(' › ') === 'Region Midtjylland › Regionshospitalet Herning › Medicinsk Afdeling',
    );
    expect(closed).toMatchObject({ active: false, state: 'deactivated', successorSorId: expect.any(String) });
    const open = await paths('medicinsk afdeling herning', { active: true });
    expect(open).not.toContain('Region Midtjylland › Regionshospitalet Herning › Medicinsk Afdeling');
  });

  it('filters by sector, kommunekode and accepted message type', async () => {
    const inSkive = (await search('sundhedspleje', { municipalityCode: '779' })).items;
    expect(inSkive.map((hit) => hit.path.join(' › '))).toEqual(['Skive Kommune › Sundhed og Ældre › Sundhedsplejen']);
    // Named after the street, or only living in it (Hadsten): the named ones first.
    const gps = (await search('søndergade', { sector: 'gp' })).items;
    expect(gps.every((hit) => hit.sector === 'gp')).toBe(true);
    expect(
      gps
        .slice(0, 3)
        .map((hit) => hit.name)
        .sort(),
    ).toEqual(['Lægerne Søndergade, Horsens', 'Lægerne Søndergade, Silkeborg', 'Lægerne Søndergade, Skive']);
    const receiving = (await search('aarhus kommune', { accepts: 'CareCommunication' })).items;
    expect(receiving.every((hit) => hit.acceptsCareCommunication)).toBe(true);
    // Hjertesygdomme lists version 1.0 only; a mailbox listing no version takes any.
    const version2 = (await search('aarhus universitetshospital', { accepts: 'CareCommunication;2.0' })).items.map(
      (hit) => hit.path.at(-1),
    );
    expect(version2).toContain('Akutafdelingen');
    expect(version2).not.toContain('Hjertesygdomme');
    const version1 = (await search('aarhus universitetshospital', { accepts: 'CareCommunication;1.0' })).items.map(
      (hit) => hit.path.at(-1),
    );
    expect(version1).toContain('Hjertesygdomme');
  });

  it('pages through the hits without repeating one, and counts them all', async () => {
    const first = await search('sundhedsplejen', { limit: 5 });
    const second = await search('sundhedsplejen', { limit: 5, offset: 5 });
    expect(first.total).toBe(second.total);
    expect(first.total).toBeGreaterThan(10);
    const ids = [...first.items, ...second.items].map((hit) => hit.sorId);
    expect(new Set(ids).size).toBe(10);
    const beyond = await search('sundhedsplejen', { limit: 5, offset: 1000 });
    expect(beyond).toEqual({ items: [], total: first.total });
  });

  it('lists mailboxes in path order without a query', async () => {
    const listing = await searchMailboxes(database.db, {
      municipalityCode: '741',
      sector: 'municipality',
      limit: 100,
      offset: 0,
    });
    expect(listing.items[0]!.path).toEqual(['Samsø Kommune']);
    expect(listing.items.every((hit) => hit.municipalityCode === '741')).toBe(true);
  });

  it('follows a renamed ancestor: the units below are found by the new name', async () => {
    const owner = (await search('samsø kommune')).items[0]!;
    expect(owner.path).toEqual(['Samsø Kommune']);
    await updateMailbox(database.db, owner.sorId, { displayName: 'Tranebjerg Kommune' }, 1, null);
    expect((await paths('sundhedspleje tranebjerg')).slice(0, 1)).toEqual([
      'Tranebjerg Kommune › Sundhed og Ældre › Sundhedsplejen',
    ]);
  });

  it('finds nothing for words the directory does not know, rather than everything', async () => {
    expect((await search('zzzxxq')).total).toBe(0);
  });
});
