import {
  patientIdentifierPatterns,
  patientIdentifierSystems,
  replacementCprSystem,
  type RegionCode,
  type ReplacementCprSystem,
} from '../../schemas/patient-identifiers.ts';
import { ProblemError } from '../platform/problem.ts';
import { cprForm, normaliseCpr } from './cpr.ts';
import type { LetterDraft } from './letter-xml.ts';

/** The patient as a letter submission gives it (schemas/letter.ts). */
export interface SubmittedPatient {
  cpr?: string;
  replacementCpr?: { system: ReplacementCprSystem; value: string; regionCode?: RegionCode };
  name: { given?: string; family?: string };
}

/** The identifier a letter's Patient carries: which kind, under which system, which value. */
export interface PatientIdentifier {
  kind: 'cpr' | ReplacementCprSystem;
  system: string;
  value: string;
}

const refuse = (code: string, title: string, detail: string) => new ProblemError(422, code, title, detail);

/**
 * Checks who the letter is about and returns the identifier to send. Details never repeat the
 * submitted number: it is personal data.
 */
export function patientIdentifier(patient: SubmittedPatient): PatientIdentifier {
  const { cpr, replacementCpr } = patient;
  if (cpr !== undefined && replacementCpr !== undefined) {
    throw refuse(
      'patient-identifier-conflict',
      'Two patient identifiers',
      'Send either `cpr` or `replacementCpr`, not both.',
    );
  }
  if (replacementCpr !== undefined) return replacement(replacementCpr);
  if (cpr === undefined) {
    throw refuse(
      'patient-identifier-required',
      'Patient identifier required',
      'Send the patient’s `cpr`, or a `replacementCpr` when the CPR number is unknown.',
    );
  }
  const form = cprForm(cpr);
  if (form === 'replacement-form') {
    // dk-core `cpr`: a CPR's first six digits are a real date, so day + 60 is no CPR number.
    throw refuse(
      'cpr-replacement-form',
      'Not a CPR number',
      'A CPR number with 60 added to the day is a replacement form that may not be sent as a CPR number. Send the patient’s eCPR as `replacementCpr` (system `x-ecpr` or `d-ecpr`).',
    );
  }
  if (form === 'invalid') {
    throw refuse(
      'cpr-invalid',
      'Invalid CPR number',
      'The first six digits of the CPR number must be a valid date (DDMMYY).',
    );
  }
  return { kind: 'cpr', system: patientIdentifierSystems.cpr, value: normaliseCpr(cpr) };
}

function replacement({
  system,
  value,
  regionCode,
}: NonNullable<SubmittedPatient['replacementCpr']>): PatientIdentifier {
  if (!new RegExp(patientIdentifierPatterns[system]).test(value)) {
    const seventh = system === 'x-ecpr' ? '1 or 7' : '0, 5 or 6';
    throw refuse(
      'replacement-cpr-invalid',
      'Invalid replacement CPR',
      `A ${system === 'x-ecpr' ? 'X-eCPR' : 'D-eCPR'} is a birth date (DDMMYY), then ${seventh}, two capital letters and a digit.`,
    );
  }
  if (regionCode !== undefined && system !== 'd-ecpr') {
    throw refuse(
      'replacement-cpr-invalid',
      'Invalid replacement CPR',
      '`regionCode` names the region that issued a D-eCPR; an X-eCPR comes from the national eCPR service.',
    );
  }
  return { kind: system, system: replacementCprSystem(system, regionCode), value };
}

/** The patient as the letter builder takes it: checked identifier, names as given (family left out when unknown). */
export function draftPatient(patient: SubmittedPatient): LetterDraft['patient'] {
  const identifier = patientIdentifier(patient);
  const { given, family } = patient.name;
  return {
    ...(identifier.kind === 'cpr'
      ? { cpr: identifier.value }
      : { replacementCpr: { system: identifier.system, value: identifier.value } }),
    ...(given !== undefined ? { given } : {}),
    ...(family !== undefined ? { family } : {}),
  };
}
