import { describe, expect, it } from 'vitest';
import {
  acknowledgementExamples,
  careCommunication40,
  invalidCareCommunication50,
  validCareCommunication50,
  type MedcomExample,
} from '../../test/support/medcom-material.ts';
import { FhirXmlError, readFhirXml } from './fhir-xml-read.ts';
import { FhirJsonError, writeFhirXml } from './fhir-xml-write.ts';
import { LetterXmlError } from './xml-safety.ts';

const all = [
  ...validCareCommunication50(),
  ...invalidCareCommunication50(),
  ...careCommunication40(),
  ...acknowledgementExamples(),
];
const byName = new Map(all.map((example) => [example.name, example]));
const twinOf = (example: MedcomExample) => byName.get(example.name.replace(/\.xml$/, '.json'));
const xmlWithJsonTwin = all.filter((example) => example.format === 'xml' && twinOf(example) !== undefined);
const jsonExamples = all.filter((example) => example.format === 'json');

describe('FHIR XML and FHIR JSON, judged by MedCom examples published in both', () => {
  it('has the material it needs', () => {
    expect(xmlWithJsonTwin.length).toBeGreaterThanOrEqual(12);
    expect(jsonExamples.length).toBeGreaterThanOrEqual(50);
  });

  it.each(xmlWithJsonTwin.map((example) => [example.name, example] as const))(
    '%s reads as exactly its JSON twin, narrative included',
    (_name, example) => {
      expect(readFhirXml(example.text)).toEqual(JSON.parse(twinOf(example)!.text));
    },
  );

  it.each(jsonExamples.map((example) => [example.name, example] as const))(
    '%s survives JSON → XML → JSON unchanged',
    (_name, example) => {
      const json = JSON.parse(example.text);
      expect(readFhirXml(writeFhirXml(json))).toEqual(json);
    },
  );
});

describe('reading FHIR XML refuses what is not FHIR', () => {
  const bundle = (inner: string) => `<Bundle xmlns="http://hl7.org/fhir">${inner}</Bundle>`;

  it('refuses a DOCTYPE before parsing', () => {
    expect(() => readFhirXml(`<!DOCTYPE x [<!ENTITY a "b">]>${bundle('')}`)).toThrow(LetterXmlError);
  });

  it('names an unknown element by its path', () => {
    expect(() => readFhirXml(bundle('<type value="message"/><colour value="red"/>'))).toThrow(
      /\/Bundle\/colour: not an element of Bundle/,
    );
  });

  it('refuses a document outside the FHIR namespace and a root that is not a resource', () => {
    expect(() => readFhirXml('<Bundle><type value="message"/></Bundle>')).toThrow(FhirXmlError);
    expect(() => readFhirXml('<Letter xmlns="http://hl7.org/fhir"/>')).toThrow(/not a FHIR R4 resource/);
  });

  it('refuses a single element given twice and text outside value attributes', () => {
    expect(() => readFhirXml(bundle('<type value="message"/><type value="message"/>'))).toThrow(/more than once/);
    expect(() => readFhirXml(bundle('<type>message</type>'))).toThrow(/text outside a value attribute/);
  });

  it('keeps digits as strings and reads booleans and integers as JSON does', () => {
    const json = readFhirXml(
      bundle(
        '<entry><resource><Patient><identifier><value value="0101010101"/></identifier><active value="true"/></Patient></resource></entry><total value="3"/>',
      ),
    );
    expect(json).toEqual({
      resourceType: 'Bundle',
      entry: [{ resource: { resourceType: 'Patient', identifier: [{ value: '0101010101' }], active: true } }],
      total: 3,
    });
  });
});

describe('writing FHIR XML refuses JSON that is not FHIR', () => {
  it('refuses a narrative that would break out of its div', () => {
    const patient = {
      resourceType: 'Patient',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div></text><evil/><text><div>' },
    };
    expect(() => writeFhirXml(patient)).toThrow(FhirJsonError);
  });

  it('refuses unknown elements, a single value as an array and the reverse', () => {
    expect(() => writeFhirXml({ resourceType: 'Patient', colour: 'red' })).toThrow(/colour: not an element/);
    expect(() => writeFhirXml({ resourceType: 'Patient', gender: ['male'] })).toThrow(/must not be an array/);
    expect(() => writeFhirXml({ resourceType: 'Patient', name: { family: 'x' } })).toThrow(/must be an array/);
  });

  it('escapes what XML attributes cannot hold and refuses characters XML cannot carry', () => {
    const xml = writeFhirXml({ resourceType: 'Patient', name: [{ family: 'A & "B" <C>\nD' }] });
    expect(xml).toContain('value="A &amp; &quot;B&quot; &lt;C&gt;&#xA;D"');
    expect(readFhirXml(xml)).toEqual({ resourceType: 'Patient', name: [{ family: 'A & "B" <C>\nD' }] });
    expect(() => writeFhirXml({ resourceType: 'Patient', name: [{ family: 'a\u0001' }] })).toThrow(
      /not allowed in XML/,
    );
  });
});
