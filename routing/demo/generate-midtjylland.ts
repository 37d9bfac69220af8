import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { directoryImportColumns, type DirectoryImportColumn } from '../../schemas/directory.ts';
import { formatCsv } from '../csv.ts';
import { eanCheckDigit } from '../ean.ts';
import { gpClinics, municipalities, psychiatry, somaticHospitals, type Department } from './midtjylland-data.ts';

/**
 * Writes `midtjylland.csv`, the demo directory `npm start` loads into an empty database: Region
 * Midtjylland's hospitals and psychiatry, its 19 municipalities and some GP clinics. SOR ids and
 * EANs are invented (the SOR ids carry the Danish `1000016` namespace, the EANs start with 579
 * and have valid GS1 check digits) and come from a fixed seed, so regenerating changes nothing.
 *
 * Run: `npx tsx routing/demo/generate-midtjylland.ts`.
 */

type Row = Partial<Record<DirectoryImportColumn, string>>;
const cc = 'CareCommunication';
const region = '1082';

let state = 1082_751;
const random = (below: number) => {
  state = (state * 48271) % 2147483647;
  return state % below;
};
const used = new Set<string>();
function unique(make: () => string): string {
  for (;;) {
    const value = make();
    if (!used.has(value)) {
      used.add(value);
      return value;
    }
  }
}
const newSorId = () => unique(() => `${100000 + random(900000)}1000016${String(random(1000)).padStart(3, '0')}`);
const newEan = () =>
  unique(() => {
    const first12 = `579000${String(random(1_000_000)).padStart(6, '0')}`;
    return `${first12}${eanCheckDigit(first12)}`;
  });

const rows: Row[] = [];
function add(row: Row & { name: string; sector: string }): string {
  const sorId = row.sorId ?? newSorId();
  const { displayName, ...rest } = row;
  rows.push({ regionCode: region, ...rest, ...(displayName !== row.name ? { displayName } : {}), sorId });
  return sorId;
}

// --- Region Midtjylland: hospitals and psychiatry -------------------------------------------
const regionId = add({
  kind: 'owner',
  name: 'Region Midtjylland',
  sector: 'region',
  municipalityCode: '791',
  unitType: 'Region',
  address: 'Skottenborg 26, 8800 Viborg',
  ean: newEan(),
  accepts: '',
  validFrom: '2007-01-01',
});

/** A department with its own EAN, and its sections below it inheriting that EAN. */
function addDepartment(
  parentSorId: string,
  ownerName: string,
  department: Department,
  municipalityCode: string,
  address: string,
): string {
  const sorId = add({
    parentSorId,
    kind: 'unit',
    name: `${ownerName}, ${department.name}`,
    displayName: department.name,
    sector: 'region',
    municipalityCode,
    unitType: department.unitType ?? 'Sygehusafdeling',
    address,
    ean: newEan(),
    accepts: department.acceptsVersion ? `${cc};1.0` : cc,
  });
  for (const section of department.sections ?? []) {
    add({
      parentSorId: sorId,
      kind: 'unit',
      name: `${ownerName}, ${department.name}, ${section}`,
      displayName: section,
      sector: 'region',
      municipalityCode,
      unitType: 'Afsnit',
      address,
      accepts: cc,
    });
  }
  return sorId;
}

const departmentIds = new Map<string, string>();
for (const hospital of [...somaticHospitals, ...psychiatry]) {
  const hospitalId = add({
    parentSorId: regionId,
    kind: 'institution',
    name: hospital.name,
    sector: 'region',
    municipalityCode: hospital.municipalityCode,
    unitType: hospital.unitType,
    address: hospital.address,
    ean: newEan(),
    accepts: '',
    validFrom: hospital.validFrom ?? '2007-01-01',
  });
  for (const department of hospital.departments) {
    departmentIds.set(
      `${hospital.name}|${department.name}`,
      addDepartment(hospitalId, hospital.name, department, hospital.municipalityCode, hospital.address),
    );
  }
  for (const site of hospital.sites ?? []) {
    const siteId = add({
      parentSorId: hospitalId,
      kind: 'unit',
      name: site.name,
      sector: 'region',
      municipalityCode: site.municipalityCode,
      unitType: 'Sygehus',
      address: site.address,
      ean: newEan(),
      accepts: '',
    });
    for (const department of site.departments) {
      departmentIds.set(
        `${site.name}|${department.name}`,
        addDepartment(siteId, site.name, department, site.municipalityCode, site.address),
      );
    }
  }
}

// Closed when Gødstrup opened (February 2022): letters to them must be refused, naming the successor.
const herning = add({
  parentSorId: regionId,
  kind: 'institution',
  name: 'Regionshospitalet Herning',
  sector: 'region',
  municipalityCode: '657',
  unitType: 'Sygehus',
  address: 'Gl. Landevej 61, 7400 Herning',
  ean: newEan(),
  accepts: '',
  validFrom: '2007-01-01',
  validTo: '2022-02-26',
  active: 'false',
});
for (const [name, successor] of [
  ['Medicinsk Afdeling', 'Medicinsk Afdeling'],
  ['Akutafdelingen', 'Akutafdelingen'],
] as const) {
  add({
    parentSorId: herning,
    kind: 'unit',
    name: `Regionshospitalet Herning, ${name}`,
    displayName: name,
    sector: 'region',
    municipalityCode: '657',
    unitType: 'Sygehusafdeling',
    address: 'Gl. Landevej 61, 7400 Herning',
    ean: newEan(),
    accepts: cc,
    validTo: '2022-02-26',
    active: 'false',
    successorSorId: departmentIds.get(`Regionshospitalet Gødstrup|${successor}`)!,
  });
}
add({
  parentSorId: herning,
  kind: 'unit',
  name: 'Regionshospitalet Holstebro, Akutafdelingen',
  displayName: 'Akutafdelingen Holstebro',
  sector: 'region',
  municipalityCode: '661',
  unitType: 'Sygehusafdeling',
  address: 'Lægårdvej 12, 7500 Holstebro',
  ean: newEan(),
  accepts: cc,
  validTo: '2022-02-26',
  active: 'false',
  successorSorId: departmentIds.get('Regionshospitalet Gødstrup|Akutafdelingen')!,
});

// --- The 19 municipalities -------------------------------------------------------------------
const withinIds = new Map<string, string>();
for (const municipality of municipalities) {
  const code = municipality.code;
  const owner = `${municipality.name} Kommune`;
  // Larger municipalities repeat the owner in every SOR name; the small ones use short names,
  // so "Sundhedsplejen" is found only through its path ("sundhedspleje samsø").
  const full = (...parts: string[]) => (municipality.shortNames ? parts.at(-1)! : [owner, ...parts].join(', '));
  const ownerId = add({
    kind: 'owner',
    name: owner,
    sector: 'municipality',
    municipalityCode: code,
    unitType: 'Kommune',
    address: municipality.address,
    ean: newEan(),
    accepts: '',
    validFrom: '2007-01-01',
  });
  for (const area of municipality.areas) {
    const areaId = add({
      parentSorId: ownerId,
      kind: 'institution',
      name: full(area.name),
      displayName: area.name,
      sector: 'municipality',
      municipalityCode: code,
      unitType: 'Forvaltning',
      address: municipality.address,
      ean: newEan(),
      accepts: '',
    });
    for (const unit of area.units) {
      const unitPath = unit.within ? [area.name, unit.within, unit.name] : [area.name, unit.name];
      let parentId = areaId;
      if (unit.within) {
        const withinKey = `${code}|${unit.within}`;
        parentId =
          withinIds.get(withinKey) ??
          add({
            parentSorId: areaId,
            kind: 'institution',
            name: full(area.name, unit.within),
            displayName: unit.within,
            sector: 'municipality',
            municipalityCode: code,
            unitType: 'Forvaltning',
            address: municipality.address,
            accepts: '',
          });
        withinIds.set(withinKey, parentId);
      }
      const unitId = add({
        parentSorId: parentId,
        kind: 'unit',
        name: full(...unitPath),
        displayName: unit.displayName ?? unit.name,
        sector: 'municipality',
        municipalityCode: code,
        unitType: unit.unitType,
        address: unit.address ?? municipality.address,
        ean: newEan(),
        accepts: cc,
      });
      for (const team of unit.teams ?? []) {
        add({
          parentSorId: unitId,
          kind: 'unit',
          name: team,
          sector: 'municipality',
          municipalityCode: code,
          unitType: 'Team',
          address: unit.address ?? municipality.address,
          accepts: cc,
        });
      }
    }
  }
}

// --- GP clinics ------------------------------------------------------------------------------
const clinicIds = new Map<string, string>();
for (const clinic of gpClinics) {
  clinicIds.set(
    clinic.name,
    add({
      kind: 'institution',
      name: clinic.name,
      sector: 'gp',
      municipalityCode: clinic.municipalityCode,
      unitType: 'Almen praksis',
      address: clinic.address,
      ean: newEan(),
      accepts: cc,
      validFrom: clinic.validFrom ?? '2010-01-01',
      ...(clinic.closedOn
        ? { validTo: clinic.closedOn, active: 'false', successorSorId: clinicIds.get(clinic.successor!)! }
        : {}),
    }),
  );
}

const header = directoryImportColumns.map((column) => column.name);
const csv = formatCsv([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))]);
const target = fileURLToPath(new URL('./midtjylland.csv', import.meta.url));
writeFileSync(target, csv);
