import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { careCommunicationUris } from './care-communication-xml.ts';
import { isPractitionerRoleCode, practitionerRoleCodes } from './practitioner-roles.ts';

// MedCom's code system, read where it lives (it is not copied into the repository).
const medcomFile = fileURLToPath(
  new URL(
    '../../shared/medcom/official/terminology-2.0.1/CodeSystem-medcom-core-PractitionerRolesSKSadministrativ.json',
    import.meta.url,
  ),
);

interface Concept {
  code: string;
  display?: string;
  concept?: Concept[];
}

function flatten(concepts: Concept[]): Concept[] {
  return concepts.flatMap((concept) => [concept, ...flatten(concept.concept ?? [])]);
}

describe('the author role table', () => {
  const codeSystem = JSON.parse(readFileSync(medcomFile, 'utf8')) as { url: string; count: number; concept: Concept[] };

  it('holds exactly MedCom’s codes with their displays', () => {
    const medcom = Object.fromEntries(flatten(codeSystem.concept).map(({ code, display }) => [code, display]));
    expect(practitionerRoleCodes).toEqual(medcom);
    expect(Object.keys(practitionerRoleCodes)).toHaveLength(codeSystem.count);
  });

  it('is the code system the builder names', () => {
    expect(codeSystem.url).toBe(careCommunicationUris.practitionerRoles);
  });

  it('knows a code only by its exact spelling', () => {
    expect(isPractitionerRoleCode('sygeplejerske')).toBe(true);
    expect(isPractitionerRoleCode('Sygeplejerske')).toBe(false);
    expect(isPractitionerRoleCode('laege')).toBe(false);
    expect(isPractitionerRoleCode('Visitator')).toBe(false);
    expect(isPractitionerRoleCode('toString')).toBe(false);
  });
});
