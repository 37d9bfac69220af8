import { describe, expect, it } from 'vitest';
import { draftPatient, patientIdentifier, type SubmittedPatient } from './patient-identity.ts';

const name = { given: 'Birgit', family: 'Berggren' };

function refusal(patient: SubmittedPatient): { status: number; code: string; detail?: string } {
  try {
    patientIdentifier(patient);
  } catch (error) {
    return error as { status: number; code: string; detail?: string };
  }
  throw new Error('expected a refusal');
}

describe('who a letter is about', () => {
  it('sends a CPR under the CPR system, dash removed', () => {
    expect(patientIdentifier({ cpr: '250947-9989', name })).toEqual({
      kind: 'cpr',
      system: 'urn:oid:1.2.208.176.1.2',
      value: '2509479989',
    });
  });

  it('refuses a CPR with 60 added to the day with a clear 422 that points to replacementCpr, never echoing it', () => {
    const error = refusal({ cpr: '8509479989', name });
    expect(error).toMatchObject({ status: 422, code: 'cpr-replacement-form' });
    expect(error.detail).toContain('replacementCpr');
    expect(JSON.stringify(error)).not.toContain('8509479989');
    expect(refusal({ cpr: '3213999999', name })).toMatchObject({ status: 422, code: 'cpr-invalid' });
  });

  it('sends an X-eCPR and a D-eCPR under their dk-core systems, a region’s D-eCPR under its own', () => {
    expect(patientIdentifier({ replacementCpr: { system: 'x-ecpr', value: '0703921VJ4' }, name })).toEqual({
      kind: 'x-ecpr',
      system: 'urn:oid:1.2.208.176.1.6.1.1',
      value: '0703921VJ4',
    });
    expect(patientIdentifier({ replacementCpr: { system: 'd-ecpr', value: '1206550VK9' }, name }).system).toBe(
      'urn:oid:1.2.208.176.1.6.1.3',
    );
    expect(
      patientIdentifier({ replacementCpr: { system: 'd-ecpr', value: '1206550VK9', regionCode: '1085' }, name }).system,
    ).toBe('urn:oid:1.2.208.176.1.6.1.3.177');
  });

  it('refuses a replacement CPR in the wrong format for its system, or a region on an X-eCPR', () => {
    for (const replacementCpr of [
      { system: 'x-ecpr', value: '1206550VK9' },
      { system: 'd-ecpr', value: '0703921VJ4' },
      { system: 'x-ecpr', value: '3202921VJ4' },
      { system: 'x-ecpr', value: '0703921VJ4', regionCode: '1082' },
    ] as const) {
      expect(refusal({ replacementCpr, name }), JSON.stringify(replacementCpr)).toMatchObject({
        status: 422,
        code: 'replacement-cpr-invalid',
      });
    }
  });

  it('needs exactly one of cpr and replacementCpr', () => {
    expect(refusal({ name })).toMatchObject({ code: 'patient-identifier-required' });
    expect(
      refusal({ cpr: '2509479989', replacementCpr: { system: 'x-ecpr', value: '0703921VJ4' }, name }),
    ).toMatchObject({ code: 'patient-identifier-conflict' });
  });

  it('hands the builder the checked identifier and leaves out an unknown family name', () => {
    expect(
      draftPatient({ replacementCpr: { system: 'x-ecpr', value: '0703921VJ4' }, name: { given: 'Peter' } }),
    ).toEqual({
      replacementCpr: { system: 'urn:oid:1.2.208.176.1.6.1.1', value: '0703921VJ4' },
      given: 'Peter',
    });
    expect(draftPatient({ cpr: '2509479989', name })).toEqual({ cpr: '2509479989', ...name });
  });
});
