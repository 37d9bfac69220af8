import { readdirSync, readFileSync } from 'node:fs';
import { medcomDir } from './medcom-material.ts';

/** A MedCom invariant as its FSH states it, with where a profile applies it. */
export interface MedcomInvariant {
  id: string;
  expression: string;
  /** The profile that obeys it and the FHIR resource type that profile constrains. */
  profile: string;
  resourceType: string;
  /** The element path inside the resource ('' for the resource itself). */
  path: string;
}

interface FshProfile {
  parent: string;
  /** The IG folder: an invariant id may be stated differently in two IGs. */
  folder: string;
  url: string;
  obeys: Array<{ path: string; id: string }>;
}

function readFsh(): { profiles: Map<string, FshProfile>; expressions: Map<string, string> } {
  // Expressions are keyed `folder/id`.
  const profiles = new Map<string, FshProfile>();
  const expressions = new Map<string, string>();
  const root = `${medcomDir}profiles/`;
  for (const folder of readdirSync(root)) {
    for (const file of readdirSync(`${root}${folder}`).filter((name) => name.endsWith('.fsh'))) {
      const text = readFileSync(`${root}${folder}/${file}`, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const block of text.split(
        /\n(?=(?:Profile|Extension|Invariant|Instance|Alias|RuleSet|ValueSet|CodeSystem|Logical|Mapping):)/,
      )) {
        const profile = /^(?:Profile|Extension):\s*(\S+)/.exec(block);
        if (profile) {
          const parent = /\nParent:\s*(\S+)/.exec(block)?.[1] ?? 'Extension';
          const id = /\nId:\s*(\S+)/.exec(block)?.[1] ?? profile[1]!;
          const url = `http://medcomfhir.dk/ig/${folder.replace(/-[0-9.]+$/, '')}/StructureDefinition/${id}`;
          const obeys = [...block.matchAll(/^\s*\*\s*(?:(\S+)\s+)?obeys\s+([\w.-]+)/gm)].map((match) => ({
            path: match[1] ?? '',
            id: match[2]!,
          }));
          profiles.set(profile[1]!, { parent, folder, url, obeys });
        }
        const invariant = /^Invariant:\s*(\S+)/.exec(block);
        const expression = /\nExpression:\s*"([\s\S]*?)"\s*(?:\n|$)/.exec(block);
        if (invariant && expression)
          expressions.set(`${folder}/${invariant[1]!}`, expression[1]!.replace(/\s+/g, ' ').trim());
      }
    }
  }
  return { profiles, expressions };
}

const resourceTypes = new Set([
  'Bundle',
  'MessageHeader',
  'Communication',
  'Provenance',
  'Patient',
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'CareTeam',
  'Encounter',
  'OperationOutcome',
]);

/** Every invariant a MedCom profile applies to a resource (datatype and extension profiles are left out). */
export function medcomInvariants(): MedcomInvariant[] {
  const { profiles, expressions } = readFsh();
  const typeOf = (name: string): string | undefined => {
    for (let current: string | undefined = name, hops = 0; current && hops < 10; hops += 1) {
      if (resourceTypes.has(current)) return current;
      current = profiles.get(current)?.parent;
    }
    return undefined;
  };
  const invariants: MedcomInvariant[] = [];
  const expressionOf = (folder: string, id: string) =>
    expressions.get(`${folder}/${id}`) ?? [...expressions].find(([key]) => key.endsWith(`/${id}`))?.[1];
  for (const [profile, { obeys, folder }] of profiles) {
    const resourceType = typeOf(profile);
    if (!resourceType) continue;
    for (const { path, id } of obeys) {
      const expression = expressionOf(folder, id);
      if (expression) invariants.push({ id, expression, profile, resourceType, path });
    }
  }
  return invariants;
}

/** The profile URLs that are `url` or derive from it, by the FSH Parent chain. */
function profileAndDescendants(url: string): string[] {
  const { profiles } = readFsh();
  const byName = [...profiles];
  const derives = (name: string): boolean => {
    for (let current: string | undefined = name, hops = 0; current && hops < 10; hops += 1) {
      if (profiles.get(current)?.url === url) return true;
      current = profiles.get(current)?.parent;
    }
    return false;
  };
  return [url, ...byName.filter(([name]) => derives(name)).map(([, profile]) => profile.url)];
}

/** The invariant as one FHIRPath over a message Bundle: true when every resource it applies to obeys it. */
export function overBundle(invariant: MedcomInvariant): string {
  const { resourceType, path } = invariant;
  // HL7's fhirpath.js does not implement conformsTo(); it is read as the resource claiming the
  // profile, or one derived from it, in meta.profile.
  const expression = invariant.expression.replace(/conformsTo\('([^']+)'\)/g, (_match, url: string) => {
    const urls = profileAndDescendants(url)
      .map((candidate) => `$this.startsWith('${candidate}')`)
      .join(' or ');
    return `meta.profile.where(${urls}).exists()`;
  });
  if (resourceType === 'Bundle') return path === '' ? expression : `${path}.all(${expression})`;
  const target = `entry.resource.ofType(${resourceType})${path === '' ? '' : `.${path}`}`;
  return `${target}.all(${expression})`;
}
