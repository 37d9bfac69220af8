import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testLetter } from '../support/fixtures.ts';
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
  const xml = await stack
    .api()
    .get(`/v1/messages/${accepted.body.id}/xml`)
    .auth(stack.senderKey, { type: 'bearer' })
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
  expect(xml.status).toBe(200);
  return xml.body as string;
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
});
