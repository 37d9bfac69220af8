import { describe, expect, it } from 'vitest';
import {
  acknowledgementExamples,
  acknowledgementTestScriptFixtures,
  type MedcomExample,
} from '../../test/support/medcom-material.ts';
import type { FhirBody } from '../http/json-body.ts';
import { writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { ProblemError } from '../platform/problem.ts';
import { readAcknowledgementBundle } from './acknowledgement-bundle-read.ts';

// MedCom's JSON is changed freely here to break one rule at a time.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bodyOf = (example: MedcomExample): FhirBody =>
  example.format === 'xml' ? { fhir: 'xml', text: example.text } : { fhir: 'json', json: JSON.parse(example.text) };

const igExamples = acknowledgementExamples();
const acknowledgements = [
  ...igExamples.filter((example) => !example.name.includes('eb26be85')),
  ...acknowledgementTestScriptFixtures(),
];
const example = (id: string): Json => JSON.parse(igExamples.find((e) => e.name.endsWith(`${id}.json`))!.text);
const ok = () => example('a8c041b8-c65a-4fde-a90f-962076918834');
const fatal = () => example('bc9535ef-ed94-4060-a928-7baddec7ee71');
const resource = (bundle: Json, type: string, index = 0): Json =>
  bundle.entry.map((entry: Json) => entry.resource).filter((r: Json) => r.resourceType === type)[index];

function refusal(body: FhirBody): { medcomCode: string; errors: string[]; detail: string } {
  try {
    readAcknowledgementBundle(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('acknowledgement-invalid');
    return {
      medcomCode: String(problem.extra.medcomCode),
      errors: (problem.extra.errors as string[] | undefined) ?? [],
      detail: problem.detail ?? '',
    };
  }
  throw new Error('the acknowledgement was accepted');
}

const rulesBroken = (bundle: Json) => refusal({ fhir: 'json', json: bundle }).errors.map((e) => e.split(':')[0]);

describe("MedCom's own acknowledgements are received", () => {
  it.each(acknowledgements.map((e) => [e.name, e] as const))('%s', (_name, example) => {
    const message = readAcknowledgementBundle(bodyOf(example));
    const json: Json = example.format === 'xml' ? null : JSON.parse(example.text);
    const header = json ? json.entry[0].resource : undefined;
    expect(message.code).toMatch(/^(ok|transient-error|fatal-error)$/);
    if (header) {
      expect(message).toMatchObject({
        bundleId: json.id,
        messageHeaderId: header.id,
        acknowledgedMessageHeaderId: header.response.identifier,
        code: header.response.code,
      });
    }
    expect(message.sender.sorId).toMatch(/^[0-9]{15}$/);
    expect(message.receiver.ean).toMatch(/^[0-9]{13}$/);
    if (message.code === 'ok') expect(message.issues).toEqual([]);
    else expect(message.issues[0]?.details?.coding?.[0]?.code).toMatch(/^(MSG_|message-)/);
  });

  it('reads the XML and the JSON of each IG example alike', () => {
    for (const id of ['a8c041b8', 'bc9535ef', 'c9c2b2f6']) {
      const [json, xml] = ['json', 'xml'].map((format) =>
        readAcknowledgementBundle(bodyOf(igExamples.find((e) => e.name.includes(id) && e.format === format)!)),
      );
      expect(xml).toEqual(json);
    }
  });

  it('keeps the fatal-error’s OperationOutcome issue', () => {
    expect(readAcknowledgementBundle({ fhir: 'json', json: fatal() }).issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        details: {
          coding: [
            {
              system: 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-acknowledgement-error-codes',
              code: 'MSG_VALUESET_VALUE_UNKNOWN',
            },
          ],
        },
      },
    ]);
  });
});

describe('a broken acknowledgement is refused naming exactly the rules it breaks', () => {
  const variants: Array<[string, (bundle: Json) => void, string | string[]]> = [
    ['not a message Bundle', (b) => (b.type = 'collection'), 'bundle-type'],
    ['no timestamp', (b) => delete b.timestamp, 'bundle-id'],
    ['no acknowledgement profile', (b) => delete b.meta, 'bundle-profile'],
    ['a header of another profile', (b) => (b.entry[0].resource.meta.profile = ['urn:x']), 'medcom-acknowledgement-2'],
    ['another event', (b) => (b.entry[0].resource.eventCoding.code = 'empty-message'), 'header-event'],
    [
      'a cc destination',
      (b) => b.entry[0].resource.destination.push(structuredClone(b.entry[0].resource.destination[0])),
      'header-destination',
    ],
    ['a sender outside the Bundle', (b) => (b.entry[0].resource.sender.reference = 'Organization/x'), 'header-sender'],
    ['no response.identifier', (b) => delete b.entry[0].resource.response.identifier, 'response-identifier'],
    [
      'an unknown response code',
      (b) => (b.entry[0].resource.response.code = 'maybe'),
      ['response-code', 'medcom-acknowledgement-1'],
    ],
    ['no acknowledgement Provenance', (b) => b.entry.splice(2, 1), 'provenance-acknowledgement'],
    ['a Provenance without agent', (b) => delete resource(b, 'Provenance').agent, 'provenance-content'],
    [
      'an Organization without SOR id',
      (b) => (resource(b, 'Organization').identifier = resource(b, 'Organization').identifier.slice(0, 1)),
      'organization-sor',
    ],
    [
      'a receiver without EAN',
      (b) => (resource(b, 'Organization', 1).identifier = resource(b, 'Organization', 1).identifier.slice(1)),
      'organization-ean',
    ],
    ['a fullUrl of another resource', (b) => (b.entry[1].fullUrl = 'https://x/Provenance/other'), 'entry-fullurl'],
  ];
  it.each(variants)('%s', (_name, change, rule) => {
    const bundle = ok();
    change(bundle);
    expect(rulesBroken(bundle)).toEqual([rule].flat());
  });

  const errorVariants: Array<[string, (bundle: Json) => void, string | string[]]> = [
    [
      'a fatal-error without OperationOutcome',
      (b) => {
        delete b.entry[0].resource.response.details;
        b.entry.pop();
      },
      'medcom-acknowledgement-1',
    ],
    [
      'details pointing outside the Bundle',
      (b) => (b.entry[0].resource.response.details.reference = 'OperationOutcome/x'),
      ['medcom-acknowledgement-1', 'response-details'],
    ],
    [
      'an issue code not in the value set',
      (b) => (resource(b, 'OperationOutcome').issue[0].details.coding[0].code = 'MSG_MADE_UP'),
      'issue-details',
    ],
    ['an unknown severity', (b) => (resource(b, 'OperationOutcome').issue[0].severity = 'grave'), 'issue-severity'],
    ['an unknown issue type', (b) => (resource(b, 'OperationOutcome').issue[0].code = 'oops'), 'issue-code'],
    [
      'an OperationOutcome without issues',
      (b) => delete resource(b, 'OperationOutcome').issue,
      'operationoutcome-issue',
    ],
  ];
  it.each(errorVariants)('%s', (_name, change, rule) => {
    const bundle = fatal();
    change(bundle);
    expect(rulesBroken(bundle)).toEqual([rule].flat());
  });

  it('answers with the MedCom error code of the first broken rule', () => {
    const bundle = fatal();
    resource(bundle, 'OperationOutcome').issue[0].details.coding[0].code = 'MSG_MADE_UP';
    expect(refusal({ fhir: 'json', json: bundle }).medcomCode).toBe('MSG_VALUESET_VALUE_UNKNOWN');
  });

  it('refuses a messaging Bundle that is not an acknowledgement, naming every rule', () => {
    const empty = igExamples.find((e) => e.name.includes('eb26be85') && e.format === 'xml')!;
    const { errors } = refusal(bodyOf(empty));
    expect(errors.map((e) => e.split(':')[0])).toEqual(
      expect.arrayContaining(['bundle-profile', 'medcom-acknowledgement-2', 'header-event', 'response-code']),
    );
  });

  it('names paths and rules, never the values it was sent', () => {
    const bundle = ok();
    bundle.entry[0].resource.response.code = 'SECRET-2509479989';
    resource(bundle, 'Organization').identifier[1].value = 'SECRET-2509479989';
    const answer = JSON.stringify(refusal({ fhir: 'json', json: bundle }));
    expect(answer).toContain('response-code');
    expect(answer).not.toContain('SECRET');
  });

  it('refuses JSON that is not FHIR R4 and XML that is not safe to read, by path', () => {
    const bundle = ok();
    bundle.entry[0].resource.response.colour = 'red';
    expect(refusal({ fhir: 'json', json: bundle })).toMatchObject({
      medcomCode: 'MSG_BAD_FORMAT',
      detail: expect.stringContaining('/MessageHeader/response/colour: not an element'),
    });
    expect(refusal({ fhir: 'json', json: [ok()] }).medcomCode).toBe('MSG_JSON_OBJECT');
    const xml = writeFhirXml(ok() as never).replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE x [<!ENTITY a "b">]>',
    );
    expect(refusal({ fhir: 'xml', text: xml })).toMatchObject({ medcomCode: 'MSG_BAD_SYNTAX' });
    expect(refusal({ fhir: 'json', json: { resourceType: 'Patient' } }).medcomCode).toBe('MSG_UNKNOWN_TYPE');
  });
});
