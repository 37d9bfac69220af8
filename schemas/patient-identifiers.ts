/**
 * How a patient is identified in a MedCom letter (dk-core 3, which MedCom Core's patient builds
 * on): a CPR number, or when the real one is unknown a replacement CPR from the national eCPR
 * service (X-eCPR) or a region's own (D-eCPR). The value patterns are dk-core's invariants `cpr`,
 * `x-ecpr` and `d-ecpr`; the builder, the request schema and the XML self-check all use them.
 */

/** Day and month as dk-core checks them (29 February is left to the date check). */
const dayMonth =
  '((0[1-9]|1[0-9]|2[0-9]|3[0-1])(01|03|05|07|08|10|12)|(0[1-9]|1[0-9]|2[0-9]|30)(04|06|09|11)|(0[1-9]|1[0-9]|2[0-9])02)';

export const patientIdentifierPatterns = {
  /** dk-core `cpr`: a real day, so the "day + 60" replacement form is not a CPR. */
  cpr: `^${dayMonth}[0-9]{6}$`,
  /** dk-core `x-ecpr`: birth date, 1 or 7, two capital letters, a digit (e.g. 0703921VJ4). */
  'x-ecpr': `^${dayMonth}[0-9]{2}[17][A-Z]{2}[0-9]$`,
  /** dk-core `d-ecpr`: birth date, 0, 5 or 6, two capital letters, a digit (e.g. 1206550VK9). */
  'd-ecpr': `^${dayMonth}[0-9]{2}[056][A-Z]{2}[0-9]$`,
} as const;

export const replacementCprSystems = ['x-ecpr', 'd-ecpr'] as const;
export type ReplacementCprSystem = (typeof replacementCprSystems)[number];

export const patientIdentifierSystems = {
  cpr: 'urn:oid:1.2.208.176.1.2',
  'x-ecpr': 'urn:oid:1.2.208.176.1.6.1.1',
  /** D-eCPR without a region; a region's own D-eCPRs add its suffix (dk-core DkCoreDeCPRCodes). */
  'd-ecpr': 'urn:oid:1.2.208.176.1.6.1.3',
} as const;

/** The D-eCPR system suffix of each region, by the region's four-digit code. */
export const dEcprRegionSuffixes = {
  '1081': '179', // Region Nordjylland
  '1082': '181', // Region Midtjylland
  '1083': '183', // Region Syddanmark
  '1084': '187', // Region Hovedstaden
  '1085': '177', // Region Sjælland
} as const;
export type RegionCode = keyof typeof dEcprRegionSuffixes;
export const regionCodes = Object.keys(dEcprRegionSuffixes) as RegionCode[];

/** Every D-eCPR system dk-core knows: the plain one and one per region. */
export const dEcprSystemPattern = '^urn:oid:1\\.2\\.208\\.176\\.1\\.6\\.1\\.3(\\.(177|179|181|183|187))?$';

/** The identifier system a replacement CPR is sent under. */
export function replacementCprSystem(system: ReplacementCprSystem, regionCode?: RegionCode): string {
  if (system === 'x-ecpr') return patientIdentifierSystems['x-ecpr'];
  return regionCode
    ? `${patientIdentifierSystems['d-ecpr']}.${dEcprRegionSuffixes[regionCode]}`
    : patientIdentifierSystems['d-ecpr'];
}

/** FHIR's extension for a value that is absent, used by MedCom for an unknown family name. */
export const dataAbsentReasonUrl = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
