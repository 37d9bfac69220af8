import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachmentPlaceholder, buildLetterXml } from './letter-xml.ts';
import { checkLetterXml, parseLetterXml } from './letter-xml-check.ts';
import { letterDraft } from '../../test/support/letter-drafts.ts';

// MedCom's published examples, read where they live (they are not copied into the repository).
const medcomDir = fileURLToPath(new URL('../../../shared/medcom', import.meta.url));
const referenceXml = (prefix: string) => {
  const name = readdirSync(medcomDir).find((file) => file.startsWith(prefix) && file.endsWith('.xml'));
  if (!name) throw new Error(`reference message ${prefix}* not found in ${medcomDir}`);
  return readFileSync(join(medcomDir, name), 'utf8');
};

const draft = letterDraft;

type Tree = { Bundle: { entry: Array<{ resource: Record<string, Record<string, unknown>> }> } };
const tree = (xml: string) => parseLetterXml(xml) as unknown as Tree;
const resourceOf = (xml: string, type: string) =>
  tree(xml).Bundle.entry.find((entry) => entry.resource[type])!.resource[type]!;

/** Element and attribute paths of a resource, leaving out the free-form xhtml narrative. */
function elementPaths(node: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => elementPaths(item, prefix, into));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (key === '#text' || path === 'text.div') continue;
      into.add(path);
      elementPaths(value, path, into);
    }
  }
  return into;
}

function extensionUrls(xml: string, type: string): Set<string> {
  const urls = new Set<string>();
  for (const entry of tree(xml).Bundle.entry) {
    if (entry.resource[type]) {
      for (const match of JSON.stringify(entry.resource[type]).matchAll(/"@_url":"([^"]+)"/g)) urls.add(match[1]!);
    }
  }
  return urls;
}

describe('building a CareCommunication letter', () => {
  it('builds a letter that passes the letter check', () => {
    const result = checkLetterXml(buildLetterXml(draft()));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('builds the same XML for the same draft, and other ids for another letter', () => {
    expect(buildLetterXml(draft())).toBe(buildLetterXml(draft()));
    const other = buildLetterXml(draft({ letterId: 'a1f0c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }));
    const ids = (xml: string) => [...xml.matchAll(/<id value="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(other).filter((id) => ids(buildLetterXml(draft())).includes(id))).toEqual([]);
    expect(
      ids(other).every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id!)),
    ).toBe(true);
  });

  it('orders the entries like MedCom’s example letter (which adds an Encounter)', () => {
    const types = (xml: string) => tree(xml).Bundle.entry.map((entry) => Object.keys(entry.resource)[0]);
    const reference = types(referenceXml('Bundle-R-Tek-A-')).filter((type) => type !== 'Encounter');
    expect(types(buildLetterXml(draft()))).toEqual(reference);
  });

  it('gives MessageHeader, Communication and Organization the reference’s elements and extensions', () => {
    const built = buildLetterXml(draft());
    const reference = referenceXml('Bundle-R-Tek-A-');
    // Postbud letters carry no Encounter and no link attachments; everything else must match.
    const notBuiltOnPurpose = /^(encounter|payload\.contentAttachment\.url)(\.|$)/;
    for (const type of ['MessageHeader', 'Communication', 'Organization']) {
      const builtPaths = elementPaths(resourceOf(built, type));
      const referencePaths = elementPaths(resourceOf(reference, type));
      expect(
        [...builtPaths].filter((path) => !referencePaths.has(path)),
        type,
      ).toEqual([]);
      expect(
        [...referencePaths].filter((path) => !builtPaths.has(path) && !notBuiltOnPurpose.test(path)),
        type,
      ).toEqual([]);
      expect(extensionUrls(built, type), type).toEqual(extensionUrls(reference, type));
    }
  });

  it('adds an Encounter with the episode-of-care identifier, ordered and shaped like MedCom’s example', () => {
    const lpr3 = 'urn:uuid:6a7f4a43-5a8c-5e0b-9c1d-2b3a4c5d6e7f';
    const episodeOfCare = {
      system: 'https://www.esundhed.dk/Registre/Landspatientregisteret',
      value: lpr3,
      encounterClass: 'IMP',
    };
    const built = buildLetterXml(draft({ episodeOfCare }));
    const result = checkLetterXml(built);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const types = (xml: string) => tree(xml).Bundle.entry.map((entry) => Object.keys(entry.resource)[0]);
    const reference = referenceXml('Bundle-S-Tek-A-');
    expect(types(built)).toEqual(types(reference));
    expect([...elementPaths(resourceOf(built, 'Encounter'))].sort()).toEqual(
      [...elementPaths(resourceOf(reference, 'Encounter'))].sort(),
    );
    const encounter = resourceOf(built, 'Encounter');
    expect(encounter.episodeOfCare).toEqual([
      { identifier: [{ system: { '@_value': episodeOfCare.system }, value: { '@_value': lpr3 } }] },
    ]);
    const communication = resourceOf(built, 'Communication');
    expect(communication.encounter).toEqual({
      reference: { '@_value': `Encounter/${String((encounter.id as { '@_value': string })['@_value'])}` },
    });
    expect(elementPaths(communication)).toContain('encounter.reference.@_value');
    expect(buildLetterXml(draft())).not.toContain('Encounter');
  });

  it('names a specific sender and recipient tied to their organisations, like MedCom’s all-content example', () => {
    const built = buildLetterXml(
      draft({
        specificSender: { practitioner: { name: 'Michael Burns', role: 'sygeplejerske' } },
        specificRecipient: { careTeam: { name: 'Plejecenter Herlev Team 1' } },
      }),
    );
    const result = checkLetterXml(built);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const reference = readFileSync(
      join(medcomDir, 'official/ig-carecommunication-5.0.2/Bundle-gfd00bc2-9c26-4174-934e-f6e4360845de.xml'),
      'utf8',
    );
    const pathsOf = (xml: string, type: string, index = 0) =>
      [...elementPaths(tree(xml).Bundle.entry.filter((entry) => entry.resource[type])[index]!.resource[type])].sort();
    expect(pathsOf(built, 'CareTeam')).toEqual(pathsOf(reference, 'CareTeam'));
    // The reference's specific sender is its author's PractitionerRole; ours is a second one.
    expect(pathsOf(built, 'PractitionerRole', 1)).toEqual(pathsOf(reference, 'PractitionerRole'));
    const communication = resourceOf(built, 'Communication');
    const ids = tree(built).Bundle.entry.map((entry) => Object.entries(entry.resource)[0]!);
    const idOf = (type: string, index = 0) =>
      (ids.filter(([t]) => t === type)[index]![1].id as { '@_value': string })['@_value'];
    expect(communication.extension).toEqual([
      {
        '@_url': 'http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-sender-extension',
        valueReference: { reference: { '@_value': `PractitionerRole/${idOf('PractitionerRole', 1)}` } },
      },
    ]);
    expect(communication.recipient).toEqual([{ reference: { '@_value': `CareTeam/${idOf('CareTeam')}` } }]);
    const sender = ids.find(
      ([type, r]) => type === 'Organization' && JSON.stringify(r).includes(draft().sender.sorId),
    )!;
    expect(resourceOf(built, 'CareTeam').managingOrganization).toEqual({
      reference: { '@_value': `Organization/${idOf('Organization', 1)}` },
    });
    expect(ids.filter(([t]) => t === 'PractitionerRole')[1]![1].organization).toEqual({
      reference: { '@_value': `Organization/${(sender[1].id as { '@_value': string })['@_value']}` },
    });
  });

  it('takes a practitioner as specific recipient and a care team as specific sender too', () => {
    const built = buildLetterXml(
      draft({
        specificSender: { careTeam: { name: 'Hjemmeplejen Nord' } },
        specificRecipient: { practitioner: { name: 'Anne Lund', role: 'Praktiserende læge' } },
      }),
    );
    const result = checkLetterXml(built);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(built).toContain('Modtager: Anne Lund (Praktiserende læge)');
  });

  it('sends a link as an attachment segment with a url, and names the author on every segment', () => {
    const built = buildLetterXml(
      draft({ links: [{ title: 'Link', url: 'https://medcom.dk/projekter/korrespondancemeddelelse/' }] }),
    );
    const result = checkLetterXml(built);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const payload = resourceOf(built, 'Communication').payload as Array<Record<string, unknown>>;
    expect(payload).toHaveLength(3);
    expect(payload[2]!.contentAttachment).toEqual({
      url: { '@_value': 'https://medcom.dk/projekter/korrespondancemeddelelse/' },
      title: { '@_value': 'Link' },
    });
    const urls = (segment: Record<string, unknown>) =>
      (segment.extension as Array<{ '@_url': string }>).map((extension) => extension['@_url'].split('/').pop());
    for (const segment of payload)
      expect(urls(segment)).toEqual([
        'medcom-core-datetime-extension',
        'medcom-core-identifier-extension',
        'medcom-core-practitioner-extension',
        'medcom-core-contact-extension',
      ]);
    // Provenance lists the link's segment too.
    expect(built.match(/<entity>/g)).toHaveLength(3);
  });

  it('points the MessageHeader at the recipient’s SOR endpoint and the Communication', () => {
    const header = JSON.stringify(resourceOf(buildLetterXml(draft()), 'MessageHeader'));
    expect(header).toContain('"endpoint":{"@_value":"https://sor2.sum.dsdn.dk/#id=330461000016004"}');
    expect(header).toContain('"endpoint":{"@_value":"https://sor2.sum.dsdn.dk/#id=441211000016000"}');
    expect(header).toContain('"code":{"@_value":"care-communication-message"}');
  });

  it('carries hostile text and Danish letters through unchanged', () => {
    const hostile = `<script>alert("x")</script> & &amp; &nbsp; &#10; ]]> 'æøå ÆØÅ' "citat"`;
    const xml = buildLetterXml(
      draft({
        text: hostile,
        topic: hostile,
        sender: { ...draft().sender, name: hostile },
        attachments: [{ title: hostile, contentType: 'image/png', position: 0 }],
      }),
    );
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&amp;amp; &amp;nbsp; &amp;#10;');
    const result = checkLetterXml(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const communication = JSON.stringify(resourceOf(xml, 'Communication'));
    const inJson = JSON.stringify(hostile).slice(1, -1);
    expect(communication).toContain(`"contentString":{"@_value":"${inJson}"}`);
    expect(communication).toContain(`"title":{"@_value":"${inJson}"}`);
    expect(communication).toContain(`"topic":{"text":{"@_value":"${inJson}"}}`);
    expect(JSON.stringify(resourceOf(xml, 'Organization'))).toContain(`"name":{"@_value":"${inJson}"}`);
  });

  it('writes line breaks as &#xA; like MedCom, and reads them back as line breaks', () => {
    const xml = buildLetterXml(draft({ text: 'Linje 1\nLinje 2\r\n\r\nLinje 4\tslut' }));
    expect(xml).toContain('<contentString value="Linje 1&#xA;Linje 2&#xA;&#xA;Linje 4&#x9;slut"/>');
    expect(JSON.stringify(resourceOf(xml, 'Communication'))).toContain(
      '"contentString":{"@_value":"Linje 1\\nLinje 2\\n\\nLinje 4\\tslut"}',
    );
    expect(referenceXml('Bundle-R-Tek-A-')).toContain('Til rette vedkommende.&#xA;Vi vil');
  });

  it('writes priority only on a letter regarding a referral', () => {
    expect(buildLetterXml(draft({ category: 'regarding-referral', priority: 'asap' }))).toContain(
      '<priority value="asap"/>',
    );
    expect(buildLetterXml(draft({ category: 'regarding-referral', priority: undefined }))).not.toContain('<priority');
    const nursing = buildLetterXml(draft({ category: 'nursing', priority: 'asap' }));
    expect(nursing).not.toContain('<priority');
    expect(checkLetterXml(nursing).ok).toBe(true);
  });

  it('writes a topic only when one is given', () => {
    expect(buildLetterXml(draft({ category: 'nursing', topic: undefined }))).not.toContain('<topic>');
  });

  it('leaves a placeholder where each attachment’s bytes go, and creation only when given', () => {
    const xml = buildLetterXml(
      draft({
        attachments: [
          { title: 'Første', contentType: 'application/pdf', position: 3 },
          { title: 'Anden', contentType: 'image/jpeg', position: 7, creation: '2026-01-02T03:04:05Z' },
        ],
      }),
    );
    expect(attachmentPlaceholder(3)).toBe('postbud-attachment:3');
    expect(xml).toMatch(/<data value="postbud-attachment:3"\/>\s*<title value="Første"\/>\s*<\/contentAttachment>/);
    expect(xml).toMatch(
      /<data value="postbud-attachment:7"\/>\s*<title value="Anden"\/>\s*<creation value="2026-01-02T03:04:05Z"\/>/,
    );
    expect(xml.match(/<entity>/g)).toHaveLength(3);
  });

  it('letters without attachments carry just the text segment', () => {
    const xml = buildLetterXml(draft({ attachments: [] }));
    expect(xml.match(/<payload>/g)).toHaveLength(1);
    expect(checkLetterXml(xml).ok).toBe(true);
  });

  it('sends a replacement CPR as a temporary identifier under its system, like MedCom’s eCPR example', () => {
    const xml = buildLetterXml(
      draft({
        patient: {
          replacementCpr: { system: 'urn:oid:1.2.208.176.1.6.1.1', value: '0703921VJ4' },
          given: 'Birgit',
          family: 'Berggren',
        },
      }),
    );
    expect(resourceOf(xml, 'Patient').identifier).toEqual([
      {
        use: { '@_value': 'temp' },
        system: { '@_value': 'urn:oid:1.2.208.176.1.6.1.1' },
        value: { '@_value': '0703921VJ4' },
      },
    ]);
    const reference = readFileSync(
      join(medcomDir, 'official/ig-carecommunication-5.0.2/Bundle-0d5b3c18-fab6-4d93-9d88-c9c8abf1f18c.xml'),
      'utf8',
    );
    expect(resourceOf(reference, 'Patient').identifier).toEqual(resourceOf(xml, 'Patient').identifier);
    const result = checkLetterXml(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('marks an unknown family name with data-absent-reason, as MedCom does', () => {
    const xml = buildLetterXml(draft({ patient: { cpr: '2509479989', given: 'Peter' } }));
    expect(resourceOf(xml, 'Patient').name).toEqual([
      {
        use: { '@_value': 'official' },
        family: {
          extension: [
            {
              '@_url': 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
              valueCode: { '@_value': 'unknown' },
            },
          ],
        },
        given: [{ '@_value': 'Peter' }],
      },
    ]);
    expect(xml).toContain('Peter (efternavn ukendt)');
    const result = checkLetterXml(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(() => buildLetterXml(draft({ patient: { cpr: '2509479989' } }))).toThrow(/given name/);
    expect(() => buildLetterXml(draft({ patient: { given: 'Peter', family: 'Mand' } }))).toThrow(/exactly one/);
  });

  it('sends an SKS role as its MedCom code and any other role as code.text', () => {
    const coded = resourceOf(buildLetterXml(draft()), 'PractitionerRole');
    expect(coded.code).toEqual([
      {
        coding: [
          {
            system: {
              '@_value': 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-core-PractitionerRolesSKSadministrativ',
            },
            code: { '@_value': 'sygeplejerske' },
          },
        ],
      },
    ]);
    for (const role of ['Visitator', 'Sygeplejerske', 'laege']) {
      const xml = buildLetterXml(draft({ author: { ...draft().author, role } }));
      expect(resourceOf(xml, 'PractitionerRole').code, role).toEqual([{ text: { '@_value': role } }]);
      const result = checkLetterXml(xml);
      expect(result.ok ? [] : result.errors, role).toEqual([]);
    }
  });

  it('refuses text XML cannot carry, without repeating it', () => {
    expect(() => buildLetterXml(draft({ text: 'CPR 2509479989 \u0001' }))).toThrow(
      /text contains characters not allowed in XML/,
    );
    expect(() => buildLetterXml(draft({ text: 'CPR 2509479989 \u0001' }))).not.toThrow(/2509479989/);
    expect(() => buildLetterXml(draft({ category: 'gossip' }))).toThrow(/unknown category/);
    const twice = { title: 'x', contentType: 'image/png', position: 1 };
    expect(() => buildLetterXml(draft({ attachments: [twice, twice] }))).toThrow(/positions/);
  });
});
