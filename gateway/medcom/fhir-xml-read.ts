import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { childElement, isPrimitive, jsonPrimitive, resourceElement, type ElementInfo } from './fhir-model.ts';
import {
  assertReadableXml,
  entityDecoder,
  LetterXmlError,
  parserFailure,
  type ParseLetterXmlOptions,
} from './xml-safety.ts';

/** A FHIR resource in its JSON representation (HL7 FHIR R4 JSON). */
export type FhirResource = { resourceType: string } & Record<string, unknown>;

/** fast-xml-parser's `preserveOrder` shape: one key (the tag) plus `:@` for attributes, or `#text`. */
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const fhirNamespace = 'http://hl7.org/fhir';
const attributePrefix = '@_';

function orderedParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: attributePrefix,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: { enabled: true },
    entityDecoder,
    htmlEntities: false,
    jPath: false, // no callback reads the path: the parser need not join it for every element
    maxNestedTags: maxDepth,
  });
}

const xhtmlWriter = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: attributePrefix,
  suppressEmptyNode: true,
  processEntities: false, // escaped by escapedNarrative, which leaves quotes in text alone as FHIR JSON does
});

const textEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** The narrative's decoded text and attributes escaped again, minimally, for its JSON string form. */
function escapedNarrative(node: unknown, inAttribute = false): unknown {
  if (typeof node === 'string') return node.replace(inAttribute ? /[&<"]/g : /[&<>]/g, (c) => textEscapes[c]!);
  if (Array.isArray(node)) return node.map((item) => escapedNarrative(item));
  if (node !== null && typeof node === 'object')
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, escapedNarrative(value, key.startsWith(attributePrefix))]),
    );
  return node;
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text');
}

function attributesOf(node: OrderedNode): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(node[':@'] ?? {})) attributes[key.slice(attributePrefix.length)] = value;
  return attributes;
}

function childrenOf(node: OrderedNode, tag: string): OrderedNode[] {
  const children = node[tag];
  return Array.isArray(children) ? (children as OrderedNode[]) : [];
}

class Reader {
  constructor(private readonly errors: string[]) {}

  resource(node: OrderedNode, path: string, inherited?: string): FhirResource | undefined {
    const type = tagOf(node)!;
    const info = resourceElement(type);
    if (!info) {
      this.errors.push(`${path}: ${type} is not a FHIR R4 resource`);
      return undefined;
    }
    const namespace = attributesOf(node).xmlns ?? inherited;
    if (namespace !== fhirNamespace)
      this.errors.push(`${path}/${type}: must be in the FHIR namespace ${fhirNamespace}`);
    return { resourceType: type, ...this.complex(childrenOf(node, type), info, `${path}/${type}`) };
  }

  /** The children of a complex element as a JSON object, repeating elements as arrays. */
  complex(children: OrderedNode[], info: ElementInfo, path: string): Record<string, unknown> {
    const json: Record<string, unknown> = {};
    for (const child of children) {
      const tag = tagOf(child);
      if (tag === undefined) {
        const text = child['#text'];
        if (typeof text === 'string' && text.trim() !== '') this.errors.push(`${path}: text outside a value attribute`);
        continue;
      }
      const element = childElement(info, tag);
      if (!element) {
        this.errors.push(`${path}/${tag}: not an element of ${info.path}`);
        continue;
      }
      this.add(json, tag, element, child, `${path}/${tag}`);
    }
    return json;
  }

  private add(json: Record<string, unknown>, tag: string, element: ElementInfo, node: OrderedNode, path: string): void {
    const attributes = attributesOf(node);
    const children = childrenOf(node, tag);
    if (element.type === 'xhtml') {
      json[tag] = xhtmlWriter.build([escapedNarrative(node)]) as string;
      return;
    }
    if (element.type === 'Resource') {
      const inner = children.find((child) => tagOf(child) !== undefined);
      const resource = inner ? this.resource(inner, path, fhirNamespace) : undefined;
      if (resource) this.put(json, tag, element.repeats, resource);
      return;
    }
    if (isPrimitive(element.type)) {
      const extras: Record<string, unknown> = {};
      if (attributes.id !== undefined) extras.id = attributes.id;
      Object.assign(extras, this.complex(children, { path: 'Element', type: 'Element', repeats: false }, path));
      const value = attributes.value === undefined ? null : jsonPrimitive(element.type, attributes.value);
      const hasExtras = Object.keys(extras).length > 0;
      if (value === null && !hasExtras) this.errors.push(`${path}: a primitive needs a value or an extension`);
      this.putPrimitive(json, tag, element.repeats, value, hasExtras ? extras : null);
      return;
    }
    const object: Record<string, unknown> = {};
    if (attributes.id !== undefined) object.id = attributes.id;
    if (attributes.url !== undefined) object.url = attributes.url;
    Object.assign(object, this.complex(children, element, path));
    this.put(json, tag, element.repeats, object);
  }

  private put(json: Record<string, unknown>, tag: string, repeats: boolean, value: unknown): void {
    if (!repeats) {
      if (tag in json) this.errors.push(`${tag}: occurs more than once`);
      json[tag] = value;
    } else ((json[tag] ??= []) as unknown[]).push(value);
  }

  /** JSON keeps a primitive's id and extensions under `_name`, aligned by index when it repeats. */
  private putPrimitive(json: Record<string, unknown>, tag: string, repeats: boolean, value: unknown, extras: unknown) {
    if (!repeats) {
      if (value !== null) this.put(json, tag, false, value);
      if (extras !== null) json[`_${tag}`] = extras;
      return;
    }
    const values = (json[tag] ??= []) as unknown[];
    const index = values.length;
    values.push(value);
    if (extras !== null) {
      const all = (json[`_${tag}`] ??= []) as unknown[];
      while (all.length < index) all.push(null);
      all.push(extras);
    }
  }
}

/** Drops `null` placeholders FHIR JSON does not need: a repeating primitive where only extensions exist. */
function tidy(json: unknown): void {
  if (Array.isArray(json)) json.forEach(tidy);
  else if (json !== null && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (Array.isArray(value) && value.every((item) => item === null)) delete record[key];
      else tidy(value);
    }
  }
}

/**
 * Reads a FHIR XML resource (a MedCom Bundle) into its FHIR JSON form, with HL7's R4 model
 * deciding which elements repeat and which are primitives. The same safety checks as every XML
 * Postbud reads come first. Unknown elements and misplaced text are errors, reported by path.
 */
export function readFhirXml(xml: string, options: ParseLetterXmlOptions = {}): FhirResource {
  const { maxDepth } = assertReadableXml(xml, options);
  let nodes: OrderedNode[];
  try {
    nodes = orderedParser(maxDepth).parse(xml) as OrderedNode[];
  } catch (error) {
    throw parserFailure(error, maxDepth);
  }
  const roots = nodes.filter((node) => tagOf(node) !== undefined);
  if (roots.length !== 1) throw new LetterXmlError('xml: must have exactly one root element');
  const errors: string[] = [];
  const resource = new Reader(errors).resource(roots[0]!, '');
  if (!resource || errors.length > 0) throw new FhirXmlError(errors);
  tidy(resource);
  return resource;
}

/** XML that is well-formed but not FHIR: each error names a path, never a value. */
export class FhirXmlError extends LetterXmlError {
  constructor(readonly errors: string[]) {
    super(`fhir-xml: ${errors.slice(0, 5).join('; ')}`);
  }
}
