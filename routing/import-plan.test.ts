import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { planImport } from './import-plan.ts';
import {
  ImportFileError,
  isRejection,
  readHeader,
  readRow,
  type ImportCandidate,
  type ImportRejection,
} from './import-rows.ts';

const header =
  'sorId;parentSorId;kind;name;sector;municipalityCode;ean;accepts;active;validFrom;validTo;successorSorId';

function read(text: string) {
  const [head, ...records] = parseCsv(text);
  const parsedHeader = readHeader(head);
  const results = records.map((record) => readRow(parsedHeader, record));
  return {
    header: parsedHeader,
    candidates: results.filter((r): r is ImportCandidate => !isRejection(r)),
    rejected: results.filter(isRejection),
  };
}

describe('reading the header', () => {
  it('knows columns however an export spells them, and lists the ones it ignores', () => {
    const parsed = readHeader(parseCsv('SOR-ID;Parent_Sor_Id;NAME;Sector;Telefon\n')[0]);
    expect(parsed.columns).toEqual(['sorId', 'parentSorId', 'name', 'sector', null]);
    expect(parsed.ignored).toEqual(['Telefon']);
  });

  it('refuses a file without sorId, name or sector columns, a column twice, or no header at all', () => {
    expect(() => readHeader(parseCsv('sorId;name\n')[0])).toThrow(/sector/);
    expect(() => readHeader(parseCsv('sorId;name;sector;name\n')[0])).toThrow(/twice/);
    expect(() => readHeader(undefined)).toThrow(ImportFileError);
  });
});

describe('reading a row', () => {
  it('types the cells: lists, booleans, empty cells as cleared fields', () => {
    const { candidates } = read(
      `${header}\n10123456789;;unit;Sundhedsplejen;municipality;740;;"CareCommunication;1.0, XDIS91";nej;;;\n`,
    );
    expect(candidates).toEqual([
      {
        line: 2,
        row: {
          sorId: '10123456789',
          parentSorId: null,
          kind: 'unit',
          name: 'Sundhedsplejen',
          sector: 'municipality',
          municipalityCode: '740',
          ean: null,
          accepts: ['CareCommunication;1.0', 'XDIS91'],
          active: false,
          validFrom: null,
          validTo: null,
          successorSorId: null,
        },
      },
    ]);
  });

  it('says on which line what is wrong', () => {
    const { rejected } = read(
      [
        header,
        '12345;;unit;Kort SOR;municipality;740;;;;;;',
        '10123456789;;unit;Forkert EAN;municipality;740;5790000209355;;;;;',
        '10123456780;;unit;;municipality;740;;;;;;',
        '10123456781;;unit;Ukendt sektor;hospital;740;;;;;;',
        '10123456782;;unit;Dato;municipality;740;;;;2025-02-30;;',
        '10123456783;;unit;Kode;municipality;74;;;;;;',
        '10123456784;;unit;Aktiv;municipality;740;;;maybe;;;',
        '10123456785;;unit;For kort',
        '10123456786;;unit;Omvendt;municipality;740;;;;2025-02-01;2025-01-01;',
      ].join('\r\n'),
    );
    expect(rejected).toEqual([
      { line: 2, sorId: '12345', reason: 'sorId must be a SOR id of 11 to 18 digits' },
      { line: 3, sorId: '10123456789', reason: 'ean has a wrong GS1 check digit' },
      { line: 4, sorId: '10123456780', reason: 'name is missing' },
      { line: 5, sorId: '10123456781', reason: 'sector must be region, municipality or gp' },
      { line: 6, sorId: '10123456782', reason: 'validFrom must be a date as YYYY-MM-DD' },
      { line: 7, sorId: '10123456783', reason: 'municipalityCode must be a kommunekode of three digits' },
      { line: 8, sorId: '10123456784', reason: 'active must be true or false' },
      { line: 9, sorId: '10123456785', reason: 'has 4 fields, the header has 12' },
      { line: 10, sorId: '10123456786', reason: 'validTo is before validFrom' },
    ]);
  });
});

describe('planning an import against the directory', () => {
  const directory = new Map<string, string | null>([
    ['10100000001', null],
    ['10100000002', '10100000001'],
  ]);
  const plan = (lines: string[], dir = directory) => {
    const { header: parsed, candidates, rejected } = read([header, ...lines].join('\n'));
    const result = planImport(candidates, parsed.present, dir);
    return {
      accepted: result.accepted.map((c) => c.row.sorId),
      rejected: [...rejected, ...result.rejected] as ImportRejection[],
    };
  };

  it('takes parents that come later in the file or are already in the directory', () => {
    const result = plan([
      '10200000003;10200000002;unit;Team;municipality;;;;;;;',
      '10200000002;10200000001;institution;Forvaltning;municipality;;;;;;;',
      '10200000001;;owner;Kommune;municipality;;;;;;;',
      '10200000004;10100000002;unit;Under eksisterende;municipality;;;;;;;',
    ]);
    expect(result).toEqual({ accepted: ['10200000003', '10200000002', '10200000001', '10200000004'], rejected: [] });
  });

  it('rejects an unknown parent, and the rows below a rejected row with a pointer to it', () => {
    const result = plan([
      '10300000003;10300000002;unit;Team;municipality;;;;;;;',
      '10300000002;10999999999;institution;Forvaltning;municipality;;;;;;;',
      '10300000004;;unit;OK;municipality;;;;;;;',
    ]);
    expect(result.accepted).toEqual(['10300000004']);
    expect(result.rejected).toEqual([
      { line: 2, sorId: '10300000003', reason: 'parent 10300000002 is rejected (line 3)' },
      { line: 3, sorId: '10300000002', reason: 'parent 10999999999 is neither in the directory nor in the file' },
    ]);
  });

  it('rejects a SOR id given twice, a mailbox that is its own parent or successor, and an unknown successor', () => {
    const result = plan([
      '10400000001;;unit;A;gp;;;;;;;',
      '10400000001;;unit;A igen;gp;;;;;;;',
      '10400000002;10400000002;unit;B;gp;;;;;;;',
      '10400000003;;unit;C;gp;;;;false;;;10400000003',
      '10400000004;;unit;D;gp;;;;false;;;10888888888',
      '10400000005;;unit;E;gp;;;;false;;;10400000001',
    ]);
    expect(result.accepted).toEqual(['10400000001', '10400000005']);
    expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'SOR 10400000001 is already on line 2'],
      [4, 'parentSorId is the mailbox itself'],
      [5, 'successorSorId is the mailbox itself'],
      [6, 'successor 10888888888 is neither in the directory nor in the file'],
    ]);
  });

  it('rejects a loop, in the file or closed through the directory', () => {
    const inFile = plan(['10500000001;10500000002;unit;A;gp;;;;;;;', '10500000002;10500000001;unit;B;gp;;;;;;;']);
    expect(inFile.accepted).toEqual([]);
    expect(inFile.rejected.map((r) => r.reason)).toEqual([
      'the parent chain loops back to itself: 10500000001 → 10500000002 → 10500000001',
      'the parent chain loops back to itself: 10500000001 → 10500000002 → 10500000001',
    ]);
    // The owner 10100000001 moved below its own child 10100000002.
    const throughDirectory = plan(['10100000001;10100000002;owner;Kommune;municipality;;;;;;;']);
    expect(throughDirectory.accepted).toEqual([]);
    expect(throughDirectory.rejected[0]!.reason).toMatch(/loops back/);
  });

  it('keeps the children of a rejected update of an existing mailbox: it stays in the directory', () => {
    const result = plan([
      '10100000002;10100000001;unit;Forkert EAN;gp;;5790000209355;;;;;',
      '10600000001;10100000002;unit;Barn;gp;;;;;;;',
    ]);
    expect(result.accepted).toEqual(['10600000001']);
    expect(result.rejected).toHaveLength(1);
  });

  it('leaves parents alone when the file has no parentSorId column', () => {
    const { header: parsed, candidates } = read('sorId;name;sector\n10100000001;Omdøbt;municipality\n');
    expect(planImport(candidates, parsed.present, directory).accepted).toHaveLength(1);
  });
});
