/**
 * How long the SOR import and the directory search take at national scale: 100,000 mailboxes in
 * a database of its own, children before their parents in the file (the hard order). Prints the
 * import rate, a re-import (all unchanged), a rename whose paths must be recomputed below it, and
 * the latency of 20 searches.
 *
 * Run: `npx tsx test/bench/directory-import.bench.ts [rows]` (default 100000).
 */
import { performance } from 'node:perf_hooks';
import { updateMailbox } from '../../routing/directory.ts';
import { formatCsv } from '../../routing/csv.ts';
import { eanCheckDigit } from '../../routing/ean.ts';
import { searchMailboxes } from '../../routing/search.ts';
import { directoryImportColumns, type DirectoryImportColumn } from '../../schemas/directory.ts';
import { importDirectory } from '../../gateway/directory/directory-import.ts';
import { createTestDatabase } from '../support/database.ts';

const wanted = Number(process.argv[2] ?? 100_000);
const towns = [
  'Aarhus',
  'Aabenraa',
  'Ærø',
  'Fanø',
  'Gødstrup',
  'Hørsholm',
  'Høje-Taastrup',
  'Køge',
  'Læsø',
  'Næstved',
  'Præstø',
  'Rødovre',
  'Sønderborg',
  'Tønder',
  'Vejle',
  'Viborg',
  'Skive',
  'Silkeborg',
  'Randers',
  'Horsens',
  'Herning',
  'Holstebro',
  'Odder',
  'Samsø',
  'Struer',
  'Lemvig',
  'Favrskov',
  'Hedensted',
  'Syddjurs',
  'Norddjurs',
  'Ikast',
  'Brande',
  'Ringkøbing',
  'Skjern',
  'Skanderborg',
];
const prefixes = ['', 'Nørre ', 'Søndre ', 'Vester '];
const areas = ['Sundhed og Omsorg', 'Social og Handicap', 'Børn og Unge', 'Beskæftigelse'];
const units = [
  'Sundhedsplejen',
  'Hjemmeplejen',
  'Visitationen',
  'Sygeplejen',
  'Akutteam',
  'Socialpsykiatri',
  'Socialpsykiatri og Udsatte Voksne',
  'Handicap',
  'Misbrugsbehandling',
  'Træning og Rehabilitering',
  'Bostøtte',
  'Ældrecenter',
  'Plejecenter',
  'Demensteam',
  'Hjælpemidler',
  'Forebyggelse',
  'Familieafdelingen',
  'PPR',
  'Tandplejen',
  'Jobcenter',
  'Ungdomsskolen',
  'Dagtilbud',
  'Rusmiddelcenter',
  'Aktivitetscenter',
  'Botilbud',
];
const teams = [
  'Team Nord',
  'Team Syd',
  'Team Øst',
  'Team Vest',
  'Team Midt',
  'Nattevagt',
  'Aftenvagt',
  'Weekend',
  'Koordinering',
];

type Row = Partial<Record<DirectoryImportColumn, string>>;
let serial = 0;
const sorId = () => `${100000 + ++serial}1000016${String(serial % 1000).padStart(3, '0')}`;
const ean = () => {
  const first12 = `579${String(serial).padStart(9, '0')}`;
  return `${first12}${eanCheckDigit(first12)}`;
};

function generate(): Row[] {
  const rows: Row[] = [];
  for (let m = 0; rows.length < wanted; m++) {
    const town = `${prefixes[Math.floor(m / towns.length) % prefixes.length]}${towns[m % towns.length]}${m >= towns.length * prefixes.length ? ` ${m}` : ''}`;
    const code = String(100 + (m % 900));
    const owner = sorId();
    rows.push({
      sorId: owner,
      kind: 'owner',
      name: `${town} Kommune`,
      sector: 'municipality',
      municipalityCode: code,
      ean: ean(),
      accepts: '',
    });
    for (const area of areas) {
      const areaId = sorId();
      rows.push({
        sorId: areaId,
        parentSorId: owner,
        kind: 'institution',
        name: `${town} Kommune, ${area}`,
        displayName: area,
        sector: 'municipality',
        municipalityCode: code,
        accepts: '',
      });
      for (const unit of units) {
        const unitId = sorId();
        rows.push({
          sorId: unitId,
          parentSorId: areaId,
          name: `${town} Kommune, ${area}, ${unit}`,
          displayName: unit,
          sector: 'municipality',
          municipalityCode: code,
          ean: ean(),
          accepts: 'CareCommunication',
          address: `Torvet ${serial % 90}, ${town}`,
        });
        for (const team of teams) {
          rows.push({
            sorId: sorId(),
            parentSorId: unitId,
            name: `${unit} ${team}`,
            sector: 'municipality',
            municipalityCode: code,
            accepts: 'CareCommunication',
            unitType: 'Team',
          });
        }
      }
    }
  }
  return rows.slice(0, wanted);
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const header = directoryImportColumns.map((column) => column.name);
const toCsv = (rows: Row[]) => formatCsv([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))]);
const actor = { id: null, name: 'bench' };

const rows = generate();
// Children before parents: the import must not depend on file order.
const csv = toCsv([...rows].reverse());
const database = await createTestDatabase();
try {
  console.log(`directory import benchmark: ${rows.length} rows, ${(csv.length / 1e6).toFixed(1)} MB of CSV`);
  let start = performance.now();
  const first = await importDirectory(database.db, csv, actor, { source: 'cli' });
  let elapsed = performance.now() - start;
  console.log(
    `import (all new):       ${seconds(elapsed)} s, ${Math.round(rows.length / (elapsed / 1000))} rows/s — created ${first.created}, rejected ${first.rejected.length}`,
  );

  start = performance.now();
  const again = await importDirectory(database.db, csv, actor, { source: 'cli' });
  elapsed = performance.now() - start;
  console.log(
    `re-import (unchanged):  ${seconds(elapsed)} s, ${Math.round(rows.length / (elapsed / 1000))} rows/s — unchanged ${again.unchanged}`,
  );

  const changed = rows.map((row, i) => (i % 20 === 0 ? { ...row, address: `Ny vej ${i}` } : row));
  start = performance.now();
  const some = await importDirectory(database.db, toCsv(changed), actor, { source: 'cli' });
  elapsed = performance.now() - start;
  console.log(`re-import (5% changed): ${seconds(elapsed)} s — updated ${some.updated}, unchanged ${some.unchanged}`);

  start = performance.now();
  const dry = await importDirectory(database.db, csv, actor, { source: 'cli', dryRun: true });
  elapsed = performance.now() - start;
  console.log(`dry run:                ${seconds(elapsed)} s — would update ${dry.updated}`);

  // An owner rename moves the path of every mailbox below it (4 areas, 100 units, 900 teams).
  const owner = [...rows].reverse().find((row) => row.kind === 'owner')!.sorId!;
  start = performance.now();
  const version = (
    await database.db.query<{ version: number }>('SELECT version FROM mailboxes WHERE sor_id = $1', [owner])
  ).rows[0]!.version;
  await updateMailbox(database.db, owner, { name: 'Omdøbt Kommune' }, version, null);
  elapsed = performance.now() - start;
  const below = await database.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM mailbox_search WHERE path[1] = 'Omdøbt Kommune'`,
  );
  console.log(`owner rename:           ${elapsed.toFixed(0)} ms, ${below.rows[0]!.n} paths recomputed`);

  const queries = [
    'socialpsykiatri aarhus',
    'sundhedspleje silkeborg',
    'hjemmepleje viborg team nord',
    'socialpsykiatri og udsatte voksne køge',
    'arhus sundhedspleje',
    'koege hjemmepleje',
    'psykiatri',
    'misbrug randers',
    'visitation skive',
    'handicap herning',
    'tandplejen aero',
    'plejecenter sonderborg',
    'demensteam vejle',
    'bostotte holstebro',
    'aktivitetscenter struer',
    'sundhedspl silkeb',
    'socialpsykiatri aarhsu',
    'nørre odder jobcenter',
    'team øst hjælpemidler tønder',
    'familieafdelingen næstved',
  ];
  const timings: number[] = [];
  for (const q of queries) {
    start = performance.now();
    const result = await searchMailboxes(database.db, { q, limit: 20, offset: 0 });
    timings.push(performance.now() - start);
    console.log(
      `  ${timings.at(-1)!.toFixed(0).padStart(5)} ms  ${String(result.total).padStart(6)} hits  ${q}  →  ${result.items[0]?.path.join(' › ') ?? '(none)'}`,
    );
  }
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(0);
  console.log(
    `search: 20 queries, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)!.toFixed(0)} ms, total ${seconds(timings.reduce((a, b) => a + b, 0))} s`,
  );
} finally {
  await database.drop();
}
