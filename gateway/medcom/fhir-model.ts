import r4 from 'fhirpath/fhir-context/r4/index.js';

/**
 * What FHIR R4 says about an element, read from HL7's model as the fhirpath package ships it:
 * its type, whether it repeats, and whether it is a primitive. FHIR XML and FHIR JSON differ
 * exactly there (repeating elements are arrays in JSON; primitives carry `value` in XML).
 */
export interface ElementInfo {
  /** The path the element is defined at (`Bundle.entry`, `HumanName.given`): the context of its children. */
  path: string;
  type: string;
  repeats: boolean;
}

const path2Type = r4.path2Type as Record<string, string | { code: string }>;
const path2Repeating = r4.path2Repeating as Record<string, boolean>;
const type2Parent = r4.type2Parent as Record<string, string>;
const definedElsewhere = r4.pathsDefinedElsewhere as Record<string, string>;

const typeOf = (path: string): string | undefined => {
  const type = path2Type[path];
  return typeof type === 'object' ? type.code : type;
};

/** Looks `name` up under `context` (a path) and then under each ancestor of the context's type. */
export function childElement(context: ElementInfo, name: string): ElementInfo | undefined {
  const candidates = [context.path];
  for (let type: string | undefined = context.type; type; type = type2Parent[type]) candidates.push(type);
  for (const base of candidates) {
    const path = `${base}.${name}`;
    const defined = definedElsewhere[path];
    const type = typeOf(defined ?? path) ?? (defined ? 'BackboneElement' : undefined);
    if (type === undefined) continue;
    const own = defined ?? (type === 'BackboneElement' || type === 'Element' ? path : type);
    return { path: own, type, repeats: path2Repeating[path] === true };
  }
  return undefined;
}

export function resourceElement(resourceType: string): ElementInfo | undefined {
  return type2Parent[resourceType] === 'DomainResource' || type2Parent[resourceType] === 'Resource'
    ? { path: resourceType, type: resourceType, repeats: false }
    : undefined;
}

/** FHIR primitives start lower case (`string`, `dateTime`, `xhtml`); `System.String` is an id or url attribute. */
export function isPrimitive(type: string): boolean {
  return /^[a-z]/.test(type) || type.startsWith('System.');
}

const numberTypes = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal', 'integer64']);

/** The JSON form of a primitive's `value` attribute. */
export function jsonPrimitive(type: string, value: string): string | number | boolean {
  if (type === 'boolean') return value === 'true';
  if (numberTypes.has(type) && /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  return value;
}
