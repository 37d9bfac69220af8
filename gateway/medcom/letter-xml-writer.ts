// The small FHIR XML writers every resource of a letter is built with.
//
// Elements are made with `ele(null, name)`, not `ele(name)`: given a name alone, xmlbuilder2
// first tests it against four patterns (is it XML, JSON or YAML to parse?) and looks up the
// parent's namespace through every ancestor. The tree has no namespaces (see `serialised`), so
// the document is the same; building it costs a fifth less (`npm run bench:xml`).
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationUris as uri, fhirNamespace, xhtmlNamespace } from '../../schemas/care-communication-xml.ts';

// XML 1.0 Char production; anything else cannot be carried by the letter at all.
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// XML characters other than `&`, tab and line breaks: text escapedText returns unchanged.
const plainText = /^[\u0020-\u0025\u0027-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Prepares user text for xmlbuilder2, which leaves `&` unescaped when it already looks like an
 * entity (`&amp;`, `&#10;`, `&nbsp;`): escaping every `&` first makes it escape exactly once.
 * Line breaks become `&#10;` (rewritten to MedCom's `&#xA;` after serialising) because a raw
 * newline in an attribute is read back as a space.
 */
export function escapedText(field: string, text: string, inAttribute: boolean): string {
  // Most values (ids, codes, names) hold nothing to rewrite: answered by one test.
  if (plainText.test(text)) return text;
  if (notXmlChar.test(text)) throw new RangeError(`letter-xml: ${field} contains characters not allowed in XML`);
  const normalised = text.replace(/\r\n?/g, '\n').replace(/&/g, '&amp;');
  return inAttribute ? normalised.replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : normalised;
}

export function primitive(parent: XMLBuilder, name: string, value: string, field = name): XMLBuilder {
  return parent
    .ele(null, name)
    .att('value', escapedText(field, value, true))
    .up();
}

export function reference(parent: XMLBuilder, name: string, target: string): XMLBuilder {
  return primitive(parent.ele(null, name), 'reference', target).up();
}

export function coding(parent: XMLBuilder, system: string, code: string, field: string): XMLBuilder {
  const node = parent.ele(null, 'coding');
  primitive(node, 'system', system);
  primitive(node, 'code', code, field);
  return parent;
}

export function extension(parent: XMLBuilder, url: string): XMLBuilder {
  return parent.ele(null, 'extension').att('url', url);
}

/** Narrative lines as xhtml paragraphs; line breaks inside a line become `<br/>`. */
export function narrative(
  resource: XMLBuilder,
  status: 'generated' | 'extensions',
  lines: Array<[field: string, text: string]>,
): void {
  const text = resource.ele(null, 'text');
  primitive(text, 'status', status);
  const div = text.ele(null, 'div'); // its namespace is declared by serialised()
  for (const [field, line] of lines) {
    const paragraph = div.ele(null, 'p');
    escapedText(field, line, false)
      .split('\n')
      .forEach((part, index) => {
        if (index > 0) paragraph.ele(null, 'br');
        if (part.length > 0) paragraph.txt(part);
      });
  }
}

export function entry(bundle: XMLBuilder, type: string, id: string, profile: string): XMLBuilder {
  const node = bundle.ele(null, 'entry');
  primitive(node, 'fullUrl', `${uri.fullUrlBase}${type}/${id}`);
  const resource = node.ele(null, 'resource').ele(null, type);
  primitive(resource, 'id', id);
  primitive(resource.ele(null, 'meta'), 'profile', profile);
  return resource;
}

/**
 * The letter's XML: compact, not indented (a quarter fewer bytes to store, send and parse back).
 *
 * The tree is built without namespaces and the two default ones are declared in the text: given a
 * namespace, xmlbuilder2 serialises every element through its namespace algorithm, a fifth of the
 * build's CPU (`npm run bench:xml`). Both rewrites are exact: `<Bundle>` is the root's start tag,
 * and `<div>` can only be the narrative's, since every `<` of user text is written as `&lt;`. So is
 * the last one: only escapedText writes `&#10;`/`&#9;` (every user `&` is already `&amp;`).
 */
export function serialised(bundle: XMLBuilder): string {
  return bundle
    .end({ prettyPrint: false })
    .replace('<Bundle>', `<Bundle xmlns="${fhirNamespace}">`)
    .replace(/<div>/g, `<div xmlns="${xhtmlNamespace}">`)
    .replace(/&#(?:10|9);/g, (reference) => (reference === '&#10;' ? '&#xA;' : '&#x9;'));
}
