import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLetterXml, type LetterDraft } from './letter-xml.ts';
import { checkBuiltLetterXml, checkLetterXml, LetterXmlError, parseLetterXml } from './letter-xml-check.ts';

// MedCom's published examples, read where they live (they are not copied into the repository).
const medcomDir = fileURLToPath(new URL('../../../shared/medcom', import.meta.url));
const references = readdirSync(medcomDir).filter((file) => file.endsWith('.xml'));
const cpr = '2509479989';

const draft: LetterDraft = {
  letterId: '6f1f3c7e-2b1a-4c1d-9a55-0d1c2f3e4a5b',
  communicationId: '0b7c9a51-3f0e-4c6e-8a4c-2d5f1b7e9c31',
  sentAt: '2026-11-23T10:15:00Z',
  sender: { sorId: '265161000016000', ean: '5790000209354', name: 'Hjerteafdelingen på Herlev og Gentofte hospital' },
  recipient: { sorId: '382871000016004', ean: '5790001387419', name: 'Arden Lægehus' },
  patient: { cpr, given: 'Bruno', family: 'Elmer' },
  category: 'examination-results',
  topic: 'Forespørgsel på seneste resultater',
  text: 'Vi ønsker information om de seneste undersøgelser.\nPå forhånd tak.',
  author: { name: 'Emma Waters', role: 'sygeplejerske', phone: '44527000' },
  attachments: [{ title: 'Blodprøveresultater', contentType: 'application/pdf', position: 0 }],
};
const letter = buildLetterXml(draft);

/** The letter with one exact fragment replaced; fails loudly if the fragment is not there. */
function broken(find: string | RegExp, replacement: string): string {
  const changed = letter.replace(find, replacement);
  if (changed === letter) throw new Error(`fragment not found: ${String(find)}`);
  return changed;
}

function errorsOf(xml: string): string[] {
  const result = checkLetterXml(xml);
  if (result.ok) throw new Error('expected the letter check to fail');
  // Whatever went wrong, the patient's CPR number never appears in an error.
  for (const error of result.errors) expect(error).not.toContain(cpr);
  return result.errors;
}

describe('checking a CareCommunication letter', () => {
  it.each(references)('accepts MedCom’s reference message %s', (file) => {
    const result = checkLetterXml(readFileSync(join(medcomDir, file), 'utf8'));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('reads FHIR primitives as strings under @_value, repeating elements as arrays', () => {
    const result = checkLetterXml(letter);
    expect(result.ok).toBe(true);
    const bundle = (result as { tree: { Bundle: Record<string, unknown> } }).tree.Bundle;
    expect(bundle['@_xmlns']).toBe('http://hl7.org/fhir');
    expect(bundle.type).toEqual({ '@_value': 'message' });
    expect(JSON.stringify(bundle)).toContain(
      `"identifier":[{"system":{"@_value":"urn:oid:1.2.208.176.1.2"},"value":{"@_value":"${cpr}"}}]`,
    );
    const reference = parseLetterXml(
      readFileSync(
        join(
          medcomDir,
          references.find((f) => f.startsWith('Bundle-S-'))!,
        ),
        'utf8',
      ),
    );
    // A phone number with leading zeros stays as written.
    expect(JSON.stringify(reference)).toContain('"value":{"@_value":"004523232323"}');
  });

  it('refuses a DOCTYPE with entities before parsing (billion laughs)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Bundle xmlns="http://hl7.org/fhir"><id value="&lol2;"/></Bundle>`;
    expect(errorsOf(laughs)).toEqual(['xml: DOCTYPE and ENTITY declarations are refused']);
    expect(() => parseLetterXml(laughs)).toThrow(LetterXmlError);
    expect(errorsOf(letter.replace('<Bundle', '<!ENTITY x SYSTEM "file:///etc/passwd"><Bundle'))).toEqual([
      'xml: DOCTYPE and ENTITY declarations are refused',
    ]);
  });

  it('refuses undeclared entities and references to characters XML cannot hold', () => {
    expect(errorsOf(broken('<status value="unknown"/>', '<status value="&nbsp;unknown"/>'))).toEqual([
      'xml: undeclared entity or bare "&"',
    ]);
    expect(errorsOf(broken('<status value="unknown"/>', '<status value="&#0;"/>'))[0]).toMatch(/character reference/);
  });

  it('refuses XML that is too large, too deep or not well-formed, naming where', () => {
    expect(checkLetterXml(letter, { maxBytes: 1000 })).toEqual({ ok: false, errors: ['xml: larger than 1000 bytes'] });
    expect(checkLetterXml(letter, { maxDepth: 5 })).toEqual({
      ok: false,
      errors: ['xml: nested deeper than 5 elements'],
    });
    expect(errorsOf(broken('</Communication>', '</Communicatio>'))[0]).toMatch(
      /^xml: not well-formed \(InvalidTag at line \d+, column \d+\)$/,
    );
    expect(errorsOf(`${letter}<Bundle/>`)).toEqual(['xml: must have exactly one root element']);
  });

  it('names the path when an Organization lacks its EAN', () => {
    const withoutEan = broken(
      /<identifier>\s*<system value="https:\/\/www.gs1.org\/gln"\/>\s*<value value="5790000209354"\/>\s*<\/identifier>/,
      '',
    );
    expect(errorsOf(withoutEan)).toContain(
      '/Bundle/entry/5/resource/Organization/identifier: must contain an EAN identifier (https://www.gs1.org/gln)',
    );
  });

  it('names the path of an EAN with a wrong length or check digit', () => {
    expect(errorsOf(broken('<value value="5790000209354"/>', '<value value="579000020935"/>'))).toEqual([
      '/Bundle/entry/5/resource/Organization/identifier/0/value/@_value: must match pattern "^[0-9]{13}$"',
    ]);
    expect(errorsOf(broken('<value value="5790000209354"/>', '<value value="5790000209355"/>'))).toEqual([
      '/Bundle/entry/5/resource/Organization/identifier/0/value/@_value: EAN check digit is wrong',
    ]);
  });

  it('names the path of a category that is not on the MedCom list', () => {
    expect(errorsOf(broken('<code value="examination-results"/>', '<code value="gossip"/>'))).toEqual([
      '/Bundle/entry/2/resource/Communication/category/0/coding/0/code/@_value: must be equal to one of the allowed values',
    ]);
  });

  it('refuses a second category', () => {
    const twice = broken(
      /<category>[\s\S]*?<\/category>/,
      (letter.match(/<category>[\s\S]*?<\/category>/)?.[0] ?? '').repeat(2),
    );
    expect(errorsOf(twice)).toEqual([
      '/Bundle/entry/2/resource/Communication/category: must NOT have more than 1 items',
    ]);
  });

  it('names the path when the destination has no receiver', () => {
    expect(errorsOf(broken(/<receiver>[\s\S]*?<\/receiver>/, ''))).toEqual([
      "/Bundle/entry/0/resource/MessageHeader/destination/0: must have required property 'receiver'",
    ]);
  });

  it('refuses a CPR number that is not ten digits or has 60 added to the day, without quoting it', () => {
    const notCpr =
      '/Bundle/entry/1/resource/Patient/identifier/0: value must be a CPR number: ten digits, a real day first (dk-core cpr)';
    expect(errorsOf(broken(`<value value="${cpr}"/>`, `<value value="${cpr}0"/>`))).toEqual([notCpr]);
    expect(errorsOf(broken(`<value value="${cpr}"/>`, '<value value="8509479989"/>'))).toEqual([notCpr]);
  });

  it('takes an X-eCPR or a D-eCPR instead of a CPR, each in its own format', () => {
    const xEcpr = broken(
      /<system value="urn:oid:1.2.208.176.1.2"\/>\s*<value value="[0-9]+"\/>/,
      '<use value="temp"/><system value="urn:oid:1.2.208.176.1.6.1.1"/><value value="0703921VJ4"/>',
    );
    expect(checkLetterXml(xEcpr).ok).toBe(true);
    const dEcpr = xEcpr.replace(
      'urn:oid:1.2.208.176.1.6.1.1"/><value value="0703921VJ4"',
      'urn:oid:1.2.208.176.1.6.1.3.177"/><value value="1206550VK9"',
    );
    expect(checkLetterXml(dEcpr).ok).toBe(true);
    expect(errorsOf(xEcpr.replace('0703921VJ4', '0703925VJ4'))).toEqual([
      '/Bundle/entry/1/resource/Patient/identifier/0: value must be an X-eCPR (dk-core x-ecpr)',
    ]);
    expect(errorsOf(dEcpr.replace('1206550VK9', '1206551VK9'))).toEqual([
      '/Bundle/entry/1/resource/Patient/identifier/0: value must be a D-eCPR (dk-core d-ecpr)',
    ]);
    expect(errorsOf(dEcpr.replace('1.6.1.3.177', '1.6.1.3.999'))).toEqual([
      '/Bundle/entry/1/resource/Patient/identifier: must contain a CPR identifier (urn:oid:1.2.208.176.1.2) or a replacement CPR (X-eCPR, D-eCPR)',
    ]);
  });

  it('takes a family name marked unknown, and refuses a name without a family name', () => {
    const unknown = broken(
      /<family value="Elmer"\/>/,
      '<family><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason"><valueCode value="unknown"/></extension></family>',
    );
    expect(checkLetterXml(unknown).ok).toBe(true);
    expect(errorsOf(broken(/<family value="Elmer"\/>/, ''))).toEqual([
      '/Bundle/entry/1/resource/Patient/name: must contain a name with a family name',
    ]);
    expect(errorsOf(broken(/<family value="Elmer"\/>/, '<family><extension url="x"/></family>'))).toEqual([
      '/Bundle/entry/1/resource/Patient/name/0/family: must be a family name or carry data-absent-reason',
    ]);
  });

  it('refuses priority outside regarding-referral, and category other without topic', () => {
    expect(errorsOf(broken('<subject>', '<priority value="asap"/><subject>'))).toEqual([
      '/Bundle/entry/2/resource/Communication: priority is allowed only with category regarding-referral',
    ]);
    const other = broken('<code value="examination-results"/>', '<code value="other"/>').replace(
      /<topic>[\s\S]*?<\/topic>/,
      '',
    );
    expect(errorsOf(other)).toEqual(["/Bundle/entry/2/resource/Communication: must have required property 'topic'"]);
  });

  it('refuses an attachment of a type receivers need not accept, or without data', () => {
    expect(
      errorsOf(broken('<contentType value="application/pdf"/>', '<contentType value="application/zip"/>')),
    ).toEqual([
      '/Bundle/entry/2/resource/Communication/payload/1/contentAttachment/contentType/@_value: must be equal to one of the allowed values',
    ]);
    expect(errorsOf(broken(/<data value="[^"]*"\/>/, ''))).toEqual([
      '/Bundle/entry/2/resource/Communication/payload/1/contentAttachment: must carry contentType with data, or a url',
    ]);
  });

  it('refuses a letter whose MessageHeader is not first or whose Provenance is missing', () => {
    const entries = letter.match(/<entry>[\s\S]*?<\/entry>/g)!;
    expect(errorsOf(letter.replace(entries[0]!, '').replace('</Bundle>', `${entries[0]}</Bundle>`))).toContain(
      "/Bundle/entry/0/resource: must have required property 'MessageHeader'",
    );
    expect(errorsOf(letter.replace(entries[7]!, ''))).toContain('/Bundle/entry: must contain a Provenance entry');
  });

  it('refuses references that lead nowhere', () => {
    const focus = letter.match(/<focus>\s*<reference value="Communication\/([^"]+)"/)![1]!;
    expect(errorsOf(broken(`Communication/${focus}"`, 'Communication/00000000-0000-4000-8000-000000000000"'))).toEqual([
      '/Bundle/entry/0/resource/MessageHeader/focus/0/reference: does not resolve to an entry of type Communication',
    ]);
    const receiver = letter.match(/<receiver>\s*<reference value="Organization\/([^"]+)"/)![1]!;
    const patient = letter.match(/<subject>\s*<reference value="Patient\/([^"]+)"/)![1]!;
    expect(
      errorsOf(
        broken(
          new RegExp(`<reference value="Organization/${receiver}"/>\\s*</receiver>`),
          `<reference value="Organization/${patient}"/></receiver>`,
        ),
      ),
    ).toEqual([
      '/Bundle/entry/0/resource/MessageHeader/destination/0/receiver/reference: does not resolve to an entry of type Organization',
    ]);
  });

  it('refuses an entry whose fullUrl does not name its own resource', () => {
    const fullUrl = letter.match(/<fullUrl value="[^"]*\/Patient\/([^"]+)"/)![1]!;
    expect(errorsOf(broken(`/Patient/${fullUrl}"`, '/Patient/00000000-0000-4000-8000-000000000000"'))).toEqual([
      '/Bundle/entry/1/fullUrl: must end with /Patient/<id>',
    ]);
  });

  it('refuses a destination endpoint that names another SOR unit than the receiver', () => {
    expect(errorsOf(broken('#id=382871000016004', '#id=382871000016005'))).toEqual([
      "/Bundle/entry/0/resource/MessageHeader/destination/0/endpoint: SOR id differs from the receiver Organization's SOR identifier",
    ]);
  });
  it('refuses an author role with both a code and a text, or with neither', () => {
    const both = broken(/(<code value="sygeplejerske"\/>\s*<\/coding>)/, '$1<text value="Sygeplejerske"/>');
    expect(errorsOf(both).join('\n')).toMatch(/PractitionerRole\/code\/0: must carry either a coding or a text/);
    const neither = broken(/<code>\s*<coding>[\s\S]*?<\/coding>\s*<\/code>/, '<code><extension url="x"/></code>');
    expect(errorsOf(neither).join('\n')).toMatch(/PractitionerRole\/code\/0: must carry either a coding or a text/);
  });
  it('holds Encounter and Communication.encounter together (medcom-careCommunication-9, -15)', () => {
    const withEncounter = buildLetterXml({
      ...draft,
      episodeOfCare: {
        system: 'https://www.esundhed.dk/Registre/Landspatientregisteret',
        value: 'urn:uuid:6a7f4a43-5a8c-5e0b-9c1d-2b3a4c5d6e7f',
        encounterClass: 'AMB',
      },
    });
    expect(checkLetterXml(withEncounter).ok).toBe(true);
    const communication = (xml: string) => errorsOf(xml).join('\n');
    expect(communication(withEncounter.replace(/<encounter>[\s\S]*?<\/encounter>/, ''))).toMatch(
      /Communication\/encounter: must refer to the Encounter in the Bundle/,
    );
    expect(communication(withEncounter.replace(/<episodeOfCare>[\s\S]*?<\/episodeOfCare>/, ''))).toMatch(
      /Communication\/encounter: the Encounter must carry an episode-of-care identifier/,
    );
    expect(communication(withEncounter.replaceAll('5a8c-5e0b', '5a8c-4e0b'))).toMatch(
      /Encounter\/episodeOfCare\/0\/identifier\/0: an LPR3 identifier must be urn:uuid: and a UUID v5/,
    );
    expect(
      communication(broken('<payload>', '<encounter><reference value="Encounter/x1"/></encounter><payload>')),
    ).toMatch(/Communication\/encounter\/reference: does not resolve to an entry of type Encounter/);
  });
  it('ties a specific sender and recipient to the MessageHeader’s organisations (medcom-careCommunication-11, -12)', () => {
    const specific = buildLetterXml({
      ...draft,
      specificSender: { practitioner: { name: 'Emma Waters', role: 'sygeplejerske' } },
      specificRecipient: { careTeam: { name: 'Team 2' } },
    });
    expect(checkLetterXml(specific).ok).toBe(true);
    const [sender, receiver] = [...specific.matchAll(/<Organization>\s*<id value="([^"]+)"/g)].map((m) => m[1]!);
    const swapped = specific
      .replace(
        new RegExp(`<managingOrganization>\\s*<reference value="Organization/${receiver}"/>`),
        `<managingOrganization><reference value="Organization/${sender}"/>`,
      )
      .replace(
        new RegExp(`<organization>\\s*<reference value="Organization/${sender}"/>`),
        `<organization><reference value="Organization/${receiver}"/>`,
      );
    expect(errorsOf(swapped)).toEqual([
      "/Bundle/entry/2/resource/Communication/extension/sender: must belong to the MessageHeader's sender Organization",
      "/Bundle/entry/2/resource/Communication/recipient/0: must belong to the MessageHeader's receiver Organization",
    ]);
    expect(
      errorsOf(
        specific.replace(
          /<recipient>\s*<reference value="CareTeam\/[^"]+"\/>/,
          '<recipient><reference value="CareTeam/nope"/>',
        ),
      ),
    ).toEqual([
      '/Bundle/entry/2/resource/Communication/recipient/0: does not resolve to a CareTeam or PractitionerRole entry',
    ]);
  });
  it('refuses a link that is no web address and a segment identifier that is no UUID v4 with an assigner', () => {
    const linked = buildLetterXml({ ...draft, links: [{ title: 'Link', url: 'https://medcom.dk/' }] });
    expect(checkLetterXml(linked).ok).toBe(true);
    expect(
      errorsOf(linked.replace('url value="https://medcom.dk/"', 'url value="javascript:alert(1)"')).join('\n'),
    ).toMatch(/contentAttachment\/url\/@_value: must match pattern/);
    expect(
      errorsOf(broken(/<valueIdentifier>\s*<value value="urn:uuid:/, '<valueIdentifier><value value="urn:x:')).join(
        '\n',
      ),
    ).toMatch(/the segment identifier must be a urn:uuid: UUID v4 with an assigner/);
  });
});

describe('checking a letter built here', () => {
  it('parses it back and applies the same schema and cross-checks as to any letter', () => {
    const built = checkBuiltLetterXml(letter);
    expect(built).toEqual(checkLetterXml(letter));
    expect(built.ok).toBe(true);
    const focus = letter.match(/<focus>\s*<reference value="Communication\/([^"]+)"/)![1]!;
    const dangling = broken(`Communication/${focus}"`, 'Communication/00000000-0000-4000-8000-000000000000"');
    expect(checkBuiltLetterXml(dangling)).toEqual(checkLetterXml(dangling));
    expect(checkBuiltLetterXml(dangling).ok).toBe(false);
    const unknownProfile = broken('medcom-careCommunication-message"', 'medcom-somethingElse-message"');
    expect(checkBuiltLetterXml(unknownProfile).ok).toBe(false);
  });
});
