/**
 * Counts a parser would otherwise pay for in time before any schema could refuse them: element
 * and attribute explosions and masses of character references parse in superlinear or slow
 * linear time (a 100 MiB document of attributes takes minutes). Counted with `indexOf` jumps, so
 * a letter with megabytes of base64 is checked in milliseconds.
 */
export interface XmlCountLimits {
  /** Start tags in the document; a letter with its narrative has a few hundred. */
  maxElements: number;
  /** Attributes on one element; FHIR XML uses one to three. */
  maxAttributesPerElement: number;
  /** Entity and character references (`&…;`); a letter's text may have many, not millions. */
  maxReferences: number;
}

export const defaultXmlCountLimits: Readonly<XmlCountLimits> = Object.freeze({
  maxElements: 100_000,
  maxAttributesPerElement: 32,
  maxReferences: 1_000_000,
});

/** The first limit the document passes, as a message naming the limit only; undefined if none. */
export function xmlCountViolation(xml: string, limits: XmlCountLimits = defaultXmlCountLimits): string | undefined {
  let elements = 0;
  // The next "=" is kept across tags, so a document without one is not searched to its end per tag.
  let equals = xml.indexOf('=');
  for (let open = xml.indexOf('<'); open !== -1; open = xml.indexOf('<', open + 1)) {
    const next = xml.charCodeAt(open + 1);
    if (next === 0x2f || next === 0x21 || next === 0x3f) continue; // end tag, comment/CDATA, processing instruction
    elements += 1;
    if (elements > limits.maxElements) return `xml: more than ${limits.maxElements} elements`;
    const close = xml.indexOf('>', open);
    if (close === -1) break;
    let attributes = 0;
    if (equals !== -1 && equals < open) equals = xml.indexOf('=', open);
    for (; equals !== -1 && equals < close; equals = xml.indexOf('=', equals + 1)) {
      const quote = xml.charCodeAt(equals + 1);
      if (quote === 0x22 || quote === 0x27) attributes += 1;
    }
    if (attributes > limits.maxAttributesPerElement)
      return `xml: more than ${limits.maxAttributesPerElement} attributes on one element`;
    open = close;
  }
  let references = 0;
  for (let at = xml.indexOf('&'); at !== -1; at = xml.indexOf('&', at + 1)) {
    references += 1;
    if (references > limits.maxReferences)
      return `xml: more than ${limits.maxReferences} entity or character references`;
  }
  return undefined;
}
