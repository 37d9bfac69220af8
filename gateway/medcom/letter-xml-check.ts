import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import {
  careCommunicationUris,
  careCommunicationXmlSchema,
  identifierSystems,
  repeatingElementNames,
  repeatingElementPaths,
  xmlAttributePrefix,
} from '../../schemas/care-communication-xml.ts';
import { xmlContentViolations } from './xml-content-check.ts';
import {
  assertReadableXml,
  entityDecoder,
  LetterXmlError,
  parserFailure,
  type ParseLetterXmlOptions,
} from './xml-safety.ts';

export { defaultLetterXmlLimits, LetterXmlError, type ParseLetterXmlOptions } from './xml-safety.ts';

const repeatingNames = new Set<string>(repeatingElementNames);
const repeatingPaths = new Set<string>(repeatingElementPaths);

function isRepeatingElement(tagName: string, jPath: unknown, _isLeaf: boolean, isAttribute: boolean): boolean {
  if (isAttribute) return false;
  const path = String(jPath).split('.');
  // The xhtml narrative keeps the parser's default shape; it is for people, not for checks.
  if (path.includes('div')) return false;
  return repeatingNames.has(tagName) || repeatingPaths.has(`${path.at(-2)}.${tagName}`);
}

// A parser is built for each depth limit once: building one per letter showed in profiles.
const parsers = new Map<number, XMLParser>();

function letterParser(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = newLetterParser(maxDepth);
    parsers.set(maxDepth, parser);
  }
  return parser;
}

function newLetterParser(maxDepth: number): XMLParser {
  return new XMLParser({
    ignoreAttributes: false, // FHIR XML carries every primitive in a `value` attribute
    attributeNamePrefix: xmlAttributePrefix,
    parseTagValue: false, // CPR, EAN and SOR ids keep their leading zeros as strings
    parseAttributeValue: false,
    trimValues: false, // letter text keeps its leading and trailing spaces
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: { enabled: true }, // routed through entityDecoder: predefined and numeric only
    entityDecoder,
    htmlEntities: false,
    isArray: isRepeatingElement,
    maxNestedTags: maxDepth,
  });
}

/** With `trimValues: false` the indentation between elements would appear as `#text`. */
function dropIndentation(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropIndentation(item);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === '#text' && typeof value === 'string' && value.trim() === '') delete record[key];
      else dropIndentation(value);
    }
  }
}

/**
 * Parses a letter into the tree described in schemas/care-communication-xml.ts. Refuses, before
 * parsing, anything over `maxBytes` and any DOCTYPE or ENTITY declaration (entity expansion and
 * external entities are the classic XML attacks); refuses XML that is not well-formed.
 */
export function parseLetterXml(xml: string, options: ParseLetterXmlOptions = {}): Record<string, unknown> {
  const { maxDepth } = assertReadableXml(xml, options);
  let tree: Record<string, unknown>;
  try {
    tree = letterParser(maxDepth).parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw parserFailure(error, maxDepth);
  }
  // Two roots of the same name come back as one array-valued key.
  const roots = Object.values(tree);
  if (roots.length !== 1 || Array.isArray(roots[0]))
    throw new LetterXmlError('xml: must have exactly one root element');
  dropIndentation(tree);
  return tree;
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  // strictTuples off: `prefixItems` pins only the first entry (MessageHeader); the rest are open.
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strictTuples: false }).compile(careCommunicationXmlSchema);
  return compiled;
}

/**
 * Compiles the schema now (about half a second), so the first letter after start-up does not
 * block the event loop, and with it signals and every other request, while it compiles.
 */
export function prepareLetterXmlCheck(): void {
  validator();
}

const describedKeywords = new Set(['contains', 'oneOf', 'anyOf', 'not']);

function descriptionOf(error: ErrorObject): string | undefined {
  const description: unknown = (error.parentSchema as { description?: unknown } | undefined)?.description;
  return describedKeywords.has(error.keyword) && typeof description === 'string' ? description : undefined;
}

/**
 * ajv's errors as `path: message`. Where the schema describes a `contains`/`oneOf`/`anyOf`/`not`,
 * that description replaces ajv's generic message and the per-item noise beneath it. Messages
 * come from the schema, never from the data (`verbose` data is not read).
 */
function describeErrors(errors: readonly ErrorObject[]): string[] {
  const described = errors.filter((error) => descriptionOf(error) !== undefined).map((error) => `${error.schemaPath}/`);
  const lines = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    if (described.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    lines.add(`${error.instancePath || '/'}: ${descriptionOf(error) ?? error.message ?? error.keyword}`);
  }
  return [...lines];
}

interface Primitive {
  '@_value': string;
}
interface Reference {
  reference: Primitive;
}
interface Identifier {
  system?: Primitive;
  value?: Primitive;
}
interface ResourceView {
  id: Primitive;
  identifier?: Identifier[];
  destination?: Array<{ endpoint: Primitive; receiver: Reference }>;
  sender?: Reference;
  source?: { endpoint: Primitive };
  focus?: Reference[];
  subject?: Reference;
  encounter?: Reference;
  extension?: Array<{ '@_url': string; valueReference?: Reference }>;
  recipient?: Reference[];
  organization?: Reference;
  managingOrganization?: Reference;
  episodeOfCare?: Array<{ identifier?: Identifier[] }>;
}
/** The parts of a schema-valid tree the cross-checks read. */
interface BundleView {
  Bundle: { entry: Array<{ fullUrl: Primitive; resource: Record<string, ResourceView> }> };
}

function gs1CheckDigitValid(ean: string): boolean {
  const digits = [...ean].map(Number);
  const sum = digits
    .slice(0, -1)
    .reverse()
    .reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits.at(-1);
}

/** What JSON Schema cannot say: references resolve, addresses agree, EANs carry their check digit. */
function crossCheck(tree: BundleView): string[] {
  const errors: string[] = [];
  const entries = tree.Bundle.entry;
  const located = new Map<string, ResourceView>();
  entries.forEach((entry, index) => {
    for (const [type, resource] of Object.entries(entry.resource)) {
      const key = `${type}/${resource.id['@_value']}`;
      located.set(key, resource);
      // MedCom: fullUrl ends with the resource's type and id, which is how references resolve.
      if (!entry.fullUrl['@_value'].endsWith(`/${key}`))
        errors.push(`/Bundle/entry/${index}/fullUrl: must end with /${type}/<id>`);
      if (type === 'Organization') {
        resource.identifier?.forEach((identifier, i) => {
          const ean = identifier.value?.['@_value'];
          if (
            identifier.system?.['@_value'] === identifierSystems.ean &&
            ean !== undefined &&
            !gs1CheckDigitValid(ean)
          ) {
            errors.push(
              `/Bundle/entry/${index}/resource/Organization/identifier/${i}/value/@_value: EAN check digit is wrong`,
            );
          }
        });
      }
    }
  });
  const resolve = (reference: Reference, type: string, path: string) => {
    const key = reference.reference['@_value'].split('/').slice(-2).join('/');
    const target = key.startsWith(`${type}/`) ? located.get(key) : undefined;
    if (!target) errors.push(`${path}/reference: does not resolve to an entry of type ${type}`);
    return target;
  };
  const sorOf = (organisation: ResourceView | undefined) =>
    organisation?.identifier?.find((identifier) => identifier.system?.['@_value'] === identifierSystems.sor)?.value?.[
      '@_value'
    ];
  // A SOR endpoint naming another unit than the addressed Organization is a misrouting in the making.
  const sameSor = (endpoint: Primitive, organisation: ResourceView | undefined, path: string, role: string) => {
    const value = endpoint['@_value'];
    const sor = sorOf(organisation);
    if (
      organisation &&
      sor !== undefined &&
      value.startsWith(careCommunicationUris.sorEndpointBase) &&
      value.slice(careCommunicationUris.sorEndpointBase.length) !== sor
    ) {
      errors.push(`${path}: SOR id differs from the ${role} Organization's SOR identifier`);
    }
  };

  const headerPath = '/Bundle/entry/0/resource/MessageHeader';
  const header = entries[0]?.resource.MessageHeader;
  if (!header) return errors;
  header.focus?.forEach((focus, i) => resolve(focus, 'Communication', `${headerPath}/focus/${i}`));
  header.destination?.forEach((destination, i) => {
    const receiver = resolve(destination.receiver, 'Organization', `${headerPath}/destination/${i}/receiver`);
    sameSor(destination.endpoint, receiver, `${headerPath}/destination/${i}/endpoint`, 'receiver');
  });
  if (header.sender) {
    const sender = resolve(header.sender, 'Organization', `${headerPath}/sender`);
    if (header.source) sameSor(header.source.endpoint, sender, `${headerPath}/source/endpoint`, 'sender');
  }
  entries.forEach((entry, index) => {
    const subject = entry.resource.Communication?.subject ?? entry.resource.Encounter?.subject;
    const type = entry.resource.Communication ? 'Communication' : 'Encounter';
    if (subject) resolve(subject, 'Patient', `/Bundle/entry/${index}/resource/${type}/subject`);
  });
  errors.push(...encounterErrors(entries, located));
  errors.push(...specificPartyErrors(entries, located));
  return errors;
}

/**
 * MedCom medcom-careCommunication-9 and -15: an Encounter is sent exactly when the Communication
 * refers to it, and then it carries an episode-of-care identifier.
 */
function encounterErrors(entries: BundleView['Bundle']['entry'], located: Map<string, ResourceView>): string[] {
  const errors: string[] = [];
  const encounterIds = entries.flatMap((entry) => {
    const id = entry.resource.Encounter?.id['@_value'];
    return id === undefined ? [] : [id];
  });
  entries.forEach((entry, index) => {
    const communication = entry.resource.Communication;
    if (!communication) return;
    const path = `/Bundle/entry/${index}/resource/Communication/encounter`;
    if (!communication.encounter) {
      if (encounterIds.length > 0) errors.push(`${path}: must refer to the Encounter in the Bundle`);
      return;
    }
    const key = communication.encounter.reference['@_value'].split('/').slice(-2).join('/');
    const target = key.startsWith('Encounter/') ? located.get(key) : undefined;
    if (!target) errors.push(`${path}/reference: does not resolve to an entry of type Encounter`);
    else if (
      !target.episodeOfCare?.some((episode) => episode.identifier?.some((identifier) => identifier.value !== undefined))
    )
      errors.push(`${path}: the Encounter must carry an episode-of-care identifier`);
  });
  return errors;
}

/** Parses and checks a letter against the MedCom CareCommunication shape. */
export function checkLetterXml(
  xml: string,
  options: ParseLetterXmlOptions = {},
): { ok: true; tree: unknown } | { ok: false; errors: string[] } {
  let tree: Record<string, unknown>;
  try {
    tree = parseLetterXml(xml, options);
  } catch (error) {
    if (error instanceof LetterXmlError) return { ok: false, errors: [error.message] };
    throw error;
  }
  const unsafe = xmlContentViolations(tree);
  if (unsafe.length > 0) return { ok: false, errors: unsafe };
  const validate = validator();
  if (!validate(tree)) return { ok: false, errors: describeErrors(validate.errors ?? []) };
  const errors = crossCheck(tree as unknown as BundleView);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, tree };
}

/**
 * MedCom medcom-careCommunication-11 and -12: a specific sender (or recipient) belongs to the
 * MessageHeader's sender (or receiver) Organization: a CareTeam it manages or a PractitionerRole in it.
 */
function specificPartyErrors(entries: BundleView['Bundle']['entry'], located: Map<string, ResourceView>): string[] {
  const errors: string[] = [];
  const header = entries[0]?.resource.MessageHeader;
  const keyOf = (reference: Reference | undefined) => reference?.reference['@_value'].split('/').slice(-2).join('/');
  const senderKey = keyOf(header?.sender);
  const receiverKey = keyOf(header?.destination?.[0]?.receiver);
  entries.forEach((entry, index) => {
    const communication = entry.resource.Communication;
    if (!communication) return;
    const path = `/Bundle/entry/${index}/resource/Communication`;
    const check = (reference: Reference | undefined, organisationKey: string | undefined, at: string, role: string) => {
      const key = keyOf(reference);
      const party = key && /^(CareTeam|PractitionerRole)\//.test(key) ? located.get(key) : undefined;
      if (!party) {
        errors.push(`${at}: does not resolve to a CareTeam or PractitionerRole entry`);
        return;
      }
      const belongsTo = keyOf(party.managingOrganization ?? party.organization);
      if (belongsTo === undefined || belongsTo !== organisationKey)
        errors.push(`${at}: must belong to the MessageHeader's ${role} Organization`);
    };
    communication.extension
      ?.filter((extension) => extension['@_url'] === careCommunicationUris.senderExtension)
      .forEach((extension) => check(extension.valueReference, senderKey, `${path}/extension/sender`, 'sender'));
    communication.recipient?.forEach((recipient, i) =>
      check(recipient, receiverKey, `${path}/recipient/${i}`, 'receiver'),
    );
  });
  return errors;
}
