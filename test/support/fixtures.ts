import { createHash, randomBytes } from 'node:crypto';
import { sampleJpeg, samplePdf, samplePng } from './sample-files.ts';

/** Invented CPR from MedCom's examples; never a real person's. */
export const testCpr = '2509479989';

export interface TestFile {
  title: string;
  contentType: 'application/pdf' | 'image/png' | 'image/jpeg';
  bytes: Buffer;
  sha256: string;
}

/**
 * Structurally valid files of the three commonest types in turn (the gateway checks headers and
 * trailers), `size + i` bytes each and mostly random, so their bytes are recognisable in a dump.
 */
export function testFiles(count: number, size = 50_000): TestFile[] {
  return Array.from({ length: count }, (_, i) => {
    const [contentType, bytes] =
      i % 3 === 0
        ? (['application/pdf', samplePdf(size + i)] as const)
        : i % 3 === 1
          ? (['image/png', samplePng(size + i)] as const)
          : (['image/jpeg', sampleJpeg(size + i)] as const);
    return { title: `Bilag ${i + 1}`, contentType, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** A Windows executable: what an .exe renamed to .pdf really starts with. */
export const windowsExecutable = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), randomBytes(4000)]);

export const sorIds = {
  hospitalOwner: '100001000016001',
  psychiatryUnit: '100011000016002',
  municipalityOwner: '200001000016003',
  socialPsychiatry: '200011000016004',
  closedUnit: '200021000016005',
  gpClinic: '300001000016006',
};

/** A GS1 location number with a valid check digit from its first 12 digits. */
export function ean(first12: string): string {
  const sum = [...first12].reduce((acc, digit, i) => acc + Number(digit) * (i % 2 === 0 ? 1 : 3), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

/** A small directory: a psychiatry unit of a region, a municipal unit, a closed unit and a GP. */
export function testMailboxes(endpoint?: string) {
  const withEndpoint = endpoint ? { endpoint } : {};
  return [
    {
      sorId: sorIds.hospitalOwner,
      ean: ean('579000010001'),
      name: 'Region Testland',
      kind: 'owner',
      sector: 'region',
      regionCode: '1082',
      accepts: [],
    },
    {
      sorId: sorIds.psychiatryUnit,
      ean: ean('579000010002'),
      name: 'Testland Psykiatri, Afdeling for Psykoser',
      parentSorId: sorIds.hospitalOwner,
      sector: 'region',
      accepts: ['CareCommunication'],
      ...withEndpoint,
    },
    {
      sorId: sorIds.municipalityOwner,
      ean: ean('579000020001'),
      name: 'Testby Kommune',
      kind: 'owner',
      sector: 'municipality',
      municipalityCode: '751',
      accepts: [],
    },
    {
      sorId: sorIds.socialPsychiatry,
      ean: ean('579000020002'),
      name: 'Testby Kommune, Socialpsykiatri',
      parentSorId: sorIds.municipalityOwner,
      sector: 'municipality',
      municipalityCode: '751',
      accepts: ['CareCommunication'],
      ...withEndpoint,
    },
    {
      sorId: sorIds.closedUnit,
      ean: ean('579000020003'),
      name: 'Testby Kommune, Lukket Hjemmepleje',
      parentSorId: sorIds.municipalityOwner,
      sector: 'municipality',
      municipalityCode: '751',
      accepts: ['CareCommunication'],
      active: false,
      ...withEndpoint,
    },
    {
      sorId: sorIds.gpClinic,
      ean: ean('579000030001'),
      name: 'Lægerne i Testby',
      sector: 'gp',
      accepts: ['CareCommunication'],
      ...withEndpoint,
    },
  ];
}

/** A letter from the psychiatry unit to the municipal social psychiatry, first contact acknowledged. */
export function testLetter(overrides: Record<string, unknown> = {}) {
  return {
    sender: { sorId: sorIds.psychiatryUnit },
    recipient: { sorId: sorIds.socialPsychiatry },
    patient: { cpr: testCpr, name: { given: 'Nancy Ann', family: 'Berggren' }, municipalityCode: '751' },
    category: 'psychiatry-social-disability',
    text: 'Patienten udskrives fredag.\nKontakt venligst bostøtten.',
    author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
    acknowledgedWarnings: ['first-contact'],
    ...overrides,
  };
}

export const withBase64 = (files: TestFile[]) =>
  files.map((file) => ({ title: file.title, contentType: file.contentType, data: file.bytes.toString('base64') }));
