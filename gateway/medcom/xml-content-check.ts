/**
 * What a receiving system might act on when it shows or processes a letter, beyond its schema:
 * FHIR's narrative rules (txt-1, txt-2: no scripts, forms or event handlers in `text.div`) and
 * the absence of foreign namespaces (an `xi:include` or `xsl:` element means nothing to FHIR but
 * something to an XInclude- or XSLT-aware parser downstream). Messages name the rule, never
 * the content, because element and attribute names come from the document.
 */

const activeElements = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'base',
  'link',
  'meta',
  'svg',
  'math',
  'audio',
  'video',
  'source',
  'template',
]);
const activeUrl = /^\s*(javascript|vbscript|data):/i;
const attributePrefix = '@_';

interface Findings {
  foreign: boolean;
  active: boolean;
}

function walk(node: unknown, inNarrative: boolean, findings: Findings): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, inNarrative, findings);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '#text') continue;
    if (key.startsWith(attributePrefix)) {
      const name = key.slice(attributePrefix.length).toLowerCase();
      if (name.startsWith('xmlns:') || (name.includes(':') && name !== 'xml:lang')) findings.foreign = true;
      if (
        inNarrative &&
        (name.startsWith('on') ||
          ((name === 'href' || name === 'src') && typeof value === 'string' && activeUrl.test(value)))
      ) {
        findings.active = true;
      }
      continue;
    }
    if (key.includes(':')) findings.foreign = true;
    if (inNarrative && activeElements.has(key.toLowerCase())) findings.active = true;
    walk(value, inNarrative || key === 'div', findings);
  }
}

/** Rule violations of a parsed letter tree, as messages that quote nothing of it. */
export function xmlContentViolations(tree: unknown): string[] {
  const findings: Findings = { foreign: false, active: false };
  walk(tree, false, findings);
  return [
    ...(findings.foreign ? ['xml: elements or attributes outside the FHIR and XHTML namespaces are refused'] : []),
    ...(findings.active
      ? ['xml: the narrative contains scripts, forms, embedded objects or event handlers (FHIR txt-1, txt-2)']
      : []),
  ];
}
