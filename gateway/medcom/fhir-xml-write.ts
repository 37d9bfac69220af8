import { XMLValidator } from 'fast-xml-parser';
import { childElement, isPrimitive, resourceElement, type ElementInfo } from './fhir-model.ts';
import type { FhirResource } from './fhir-xml-read.ts';

const fhirNamespace = 'http://hl7.org/fhir';
const xhtmlNamespace = 'http://www.w3.org/1999/xhtml';

/** JSON that cannot be written as FHIR XML; the message names the path, never the value. */
export class FhirJsonError extends Error {
  override readonly name = 'FhirJsonError';
}

const attributeEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#xA;',
  '\r': '&#xD;',
  '\t': '&#x9;',
};
// XML 1.0 Char production: anything else cannot be carried at all.
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function attribute(name: string, value: unknown, path: string): string {
  const text = String(value);
  if (notXmlChar.test(text)) throw new FhirJsonError(`${path}: contains characters not allowed in XML`);
  return ` ${name}="${text.replace(/[&<>"\n\r\t]/g, (c) => attributeEscapes[c]!)}"`;
}

/** The narrative is xhtml carried as a string in JSON: it must be one well-formed xhtml `div`. */
function narrativeDiv(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new FhirJsonError(`${path}: must be a string`);
  const trimmed = value.trim();
  const valid = XMLValidator.validate(trimmed) === true && /^<div[\s>]/.test(trimmed) && /<\/div>$|\/>$/.test(trimmed);
  if (!valid || /<!\s*(DOCTYPE|ENTITY)/i.test(trimmed)) throw new FhirJsonError(`${path}: must be one xhtml div`);
  // Either quote is XML: MedCom's TouchStone fixtures write xmlns='…'.
  if (!trimmed.includes(`xmlns="${xhtmlNamespace}"`) && !trimmed.includes(`xmlns='${xhtmlNamespace}'`))
    throw new FhirJsonError(`${path}: the div must declare the xhtml namespace`);
  return trimmed;
}

class Writer {
  readonly out: string[] = [];

  resource(resource: unknown, path: string, root: boolean): void {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
      throw new FhirJsonError(`${path}: must be a resource object`);
    const { resourceType, ...rest } = resource as Record<string, unknown>;
    const info = typeof resourceType === 'string' ? resourceElement(resourceType) : undefined;
    if (!info) throw new FhirJsonError(`${path}/resourceType: not a FHIR R4 resource type`);
    this.out.push(`<${resourceType}${root ? attribute('xmlns', fhirNamespace, path) : ''}>`);
    this.children(rest, info, `${path}/${resourceType}`, true);
    this.out.push(`</${resourceType}>`);
  }

  private children(json: Record<string, unknown>, info: ElementInfo, path: string, isResource: boolean): void {
    for (const [key, value] of Object.entries(json)) {
      const name = key.startsWith('_') ? key.slice(1) : key;
      if (key.startsWith('_') && name in json) continue; // written with its value
      if (!isResource && key === 'id') continue; // an attribute of the element
      if (info.type === 'Extension' && key === 'url') continue;
      const element = childElement(info, name);
      if (!element) throw new FhirJsonError(`${path}/${key}: not an element of ${info.path}`);
      // A primitive with only an id or extensions appears under `_name` alone.
      const onlyExtras = key.startsWith('_');
      const values = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) !== element.repeats)
        throw new FhirJsonError(`${path}/${key}: must ${element.repeats ? '' : 'not '}be an array`);
      if (onlyExtras) values.fill(null);
      const extras = json[`_${name}`];
      values.forEach((item, index) => {
        const extra = Array.isArray(extras) ? extras[index] : extras;
        this.element(name, item, element, `${path}/${key}${element.repeats ? `/${index}` : ''}`, extra);
      });
    }
  }

  private element(name: string, value: unknown, element: ElementInfo, path: string, extra: unknown): void {
    if (element.type === 'xhtml') {
      this.out.push(narrativeDiv(value, path));
      return;
    }
    if (element.type === 'Resource') {
      this.out.push(`<${name}>`);
      this.resource(value, path, false);
      this.out.push(`</${name}>`);
      return;
    }
    if (isPrimitive(element.type)) {
      const extras = extra !== null && typeof extra === 'object' ? (extra as Record<string, unknown>) : {};
      if (value !== null && typeof value === 'object') throw new FhirJsonError(`${path}: must be a primitive value`);
      const id = extras.id === undefined ? '' : attribute('id', extras.id, path);
      const valueAttribute = value === null || value === undefined ? '' : attribute('value', value, path);
      const { id: _id, ...rest } = extras;
      if (Object.keys(rest).length === 0) {
        this.out.push(`<${name}${id}${valueAttribute}/>`);
        return;
      }
      this.out.push(`<${name}${id}${valueAttribute}>`);
      this.children(rest, { path: 'Element', type: 'Element', repeats: false }, path, false);
      this.out.push(`</${name}>`);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new FhirJsonError(`${path}: must be an object`);
    const object = value as Record<string, unknown>;
    const id = object.id === undefined ? '' : attribute('id', object.id, path);
    const url = element.type === 'Extension' && object.url !== undefined ? attribute('url', object.url, path) : '';
    this.out.push(`<${name}${id}${url}>`);
    this.children(object, element, path, false);
    this.out.push(`</${name}>`);
  }
}

/**
 * Writes a FHIR JSON resource as FHIR XML, elements in the order the JSON gives them (MedCom's
 * and Postbud's JSON follow the element order of the definitions). Refuses JSON that is not FHIR R4:
 * unknown elements, arrays where one value belongs and the reverse, a narrative that is not one xhtml div.
 */
export function writeFhirXml(resource: FhirResource): string {
  const writer = new Writer();
  writer.resource(resource, '', true);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${writer.out.join('')}\n`;
}
