import { describe, expect, it } from 'vitest';
import { episodeOfCareFor } from './episode-of-care.ts';

const sender = '265161000016000';

describe('the episode-of-care identifier', () => {
  it('sends a UUID v5 as an LPR3 identifier, written urn:uuid: and in lower case', () => {
    expect(
      episodeOfCareFor({ identifier: '6A7F4A43-5A8C-5E0B-9C1D-2B3A4C5D6E7F', encounterClass: 'IMP' }, sender),
    ).toEqual({
      system: 'https://www.esundhed.dk/Registre/Landspatientregisteret',
      value: 'urn:uuid:6a7f4a43-5a8c-5e0b-9c1d-2b3a4c5d6e7f',
      encounterClass: 'IMP',
    });
  });

  it('sends a UUID v4 as the sending organisation’s own, under its SOR, as MedCom’s examples do', () => {
    expect(
      episodeOfCareFor({ identifier: 'urn:uuid:d3779c52-1fc9-4d96-93dc-693a4faab338', encounterClass: 'HH' }, sender),
    ).toEqual({
      system: 'https://sor2.sum.dsdn.dk/#id=265161000016000',
      value: 'd3779c52-1fc9-4d96-93dc-693a4faab338',
      encounterClass: 'HH',
    });
  });

  it('refuses any other UUID version with 422 episode-of-care-invalid', () => {
    expect(() =>
      episodeOfCareFor({ identifier: 'd3779c52-1fc9-1d96-93dc-693a4faab338', encounterClass: 'AMB' }, sender),
    ).toThrow(expect.objectContaining({ status: 422, code: 'episode-of-care-invalid' }));
  });
});
