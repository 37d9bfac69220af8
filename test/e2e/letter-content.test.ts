import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { sorIds, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { fetchLetterXml } from '../support/letter-xml.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (body: object) => stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(body);

async function sentXml(letter: object): Promise<string> {
  const accepted = await post(letter);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  return fetchLetterXml(stack, accepted.body.id as string, stack.senderKey);
}

/** The Patient resource's XML, between its tags. */
const patientXml = (xml: string) => xml.slice(xml.indexOf('<Patient>'), xml.indexOf('</Patient>'));

describe('letters with MedCom 5.0 content beyond a plain new letter', () => {
  it('a patient with an X-eCPR and no known family name', async () => {
    const xml = await sentXml(
      testLetter({
        patient: { replacementCpr: { system: 'x-ecpr', value: '0703921VJ4' }, name: { given: 'Peter' } },
      }),
    );
    const patient = patientXml(xml);
    expect(patient).toMatch(
      /<use value="temp"\/>\s*<system value="urn:oid:1.2.208.176.1.6.1.1"\/>\s*<value value="0703921VJ4"\/>/,
    );
    expect(patient).toMatch(
      /<family>\s*<extension url="http:\/\/hl7.org\/fhir\/StructureDefinition\/data-absent-reason">\s*<valueCode value="unknown"\/>/,
    );
    expect(patient).not.toContain('urn:oid:1.2.208.176.1.2"');
  });

  it('a patient with a region’s D-eCPR', async () => {
    const xml = await sentXml(
      testLetter({
        patient: {
          replacementCpr: { system: 'd-ecpr', value: '1206550VK9', regionCode: '1085' },
          name: { given: 'Peter', family: 'Mand' },
        },
      }),
    );
    expect(patientXml(xml)).toMatch(
      /<system value="urn:oid:1.2.208.176.1.6.1.3.177"\/>\s*<value value="1206550VK9"\/>/,
    );
  });

  it('a CPR with 60 added to the day → 422 cpr-replacement-form, nothing stored, the number not echoed', async () => {
    const before = await letterTableCounts(stack.database.db);
    const res = await post(testLetter({ patient: { cpr: '8509479989', name: { given: 'A', family: 'B' } } }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'cpr-replacement-form' });
    expect(res.body.detail).toContain('replacementCpr');
    expect(JSON.stringify(res.body)).not.toContain('8509479989');
    const both = await post(
      testLetter({
        patient: { cpr: '2509479989', replacementCpr: { system: 'x-ecpr', value: '0703921VJ4' }, name: { given: 'A' } },
      }),
    );
    expect(both.body).toMatchObject({ status: 422, code: 'patient-identifier-conflict' });
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('an LPR3 episode of care: an Encounter referred to from the Communication', async () => {
    const xml = await sentXml(
      testLetter({ episodeOfCare: { identifier: '6a7f4a43-5a8c-5e0b-9c1d-2b3a4c5d6e7f', encounterClass: 'IMP' } }),
    );
    const encounter = xml.slice(xml.indexOf('<Encounter>'), xml.indexOf('</Encounter>'));
    expect(encounter).toMatch(
      /<episodeOfCare>\s*<identifier>\s*<system value="https:\/\/www.esundhed.dk\/Registre\/Landspatientregisteret"\/>\s*<value value="urn:uuid:6a7f4a43-5a8c-5e0b-9c1d-2b3a4c5d6e7f"\/>/,
    );
    const encounterId = /<id value="([^"]+)"/.exec(encounter)?.[1];
    expect(xml).toMatch(new RegExp(`<encounter>\\s*<reference value="Encounter/${encounterId}"/>`));
    const refused = await post(
      testLetter({ episodeOfCare: { identifier: '6a7f4a43-5a8c-3e0b-9c1d-2b3a4c5d6e7f', encounterClass: 'IMP' } }),
    );
    expect(refused.body).toMatchObject({ status: 422, code: 'episode-of-care-invalid' });
  });

  it('a specific sender (a named nurse) and a specific recipient (a care team)', async () => {
    const xml = await sentXml(
      testLetter({
        sender: {
          sorId: sorIds.psychiatryUnit,
          specific: { practitioner: { name: 'Else Jensen', role: 'sygeplejerske' } },
        },
        recipient: { sorId: sorIds.socialPsychiatry, specific: { careTeam: { name: 'Bostøtten Nord' } } },
      }),
    );
    expect(xml).toMatch(
      /<extension url="http:\/\/medcomfhir.dk\/ig\/core\/StructureDefinition\/medcom-core-sender-extension">\s*<valueReference>\s*<reference value="PractitionerRole\//,
    );
    expect(xml).toMatch(/<recipient>\s*<reference value="CareTeam\//);
    expect(xml).toMatch(/<CareTeam>[\s\S]*<name value="Bostøtten Nord"\/>[\s\S]*<\/CareTeam>/);
    const both = await post(
      testLetter({
        recipient: {
          sorId: sorIds.socialPsychiatry,
          specific: { careTeam: { name: 'A' }, practitioner: { name: 'B C', role: 'laege' } },
        },
      }),
    );
    expect(both.body).toMatchObject({ status: 422, code: 'validation-failed' });
  });

  it('a link attachment next to a file, the author named on every segment (JSON and multipart)', async () => {
    const [file] = testFiles(1, 1000);
    const links = [{ title: 'Information om forløbet', url: 'https://medcom.dk/projekter/korrespondancemeddelelse/' }];
    const xml = await sentXml(testLetter({ attachments: withBase64([file!]), links }));
    expect(xml).toMatch(
      /<contentAttachment>\s*<url value="https:\/\/medcom.dk\/projekter\/korrespondancemeddelelse\/"\/>\s*<title value="Information om forløbet"\/>/,
    );
    expect(xml.match(/medcom-core-practitioner-extension/g)).toHaveLength(3);
    const multipart = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify(testLetter({ attachments: [{ title: 'a', contentType: file!.contentType }], links })),
      )
      .attach('a', file!.bytes, 'a.pdf');
    expect(multipart.status).toBe(202);
    const unsafe = await post(testLetter({ links: [{ title: 'x', url: 'javascript:alert(1)' }] }));
    expect(unsafe.body).toMatchObject({ status: 422, code: 'validation-failed' });
  });
});
