import { describe, expect, it } from 'vitest';
import { medcomInvariants, overBundle } from '../../test/support/medcom-invariants.ts';
import {
  careCommunication40,
  invalidCareCommunication50,
  validCareCommunication50,
  type MedcomExample,
} from '../../test/support/medcom-material.ts';
import { checkCareCommunication } from './care-communication-check.ts';
import { readFhirXml, type FhirResource } from './fhir-xml-read.ts';
import { evaluateFhirPath, holds } from './fhirpath-eval.ts';
import { attachmentPlaceholder, buildLetterXml } from './letter-xml.ts';
import { letterDraft } from '../../test/support/letter-drafts.ts';

const bundleOf = (example: MedcomExample): FhirResource =>
  example.format === 'xml' ? readFhirXml(example.text) : (JSON.parse(example.text) as FhirResource);
const rulesBroken = (bundle: FhirResource) => checkCareCommunication(bundle).map((finding) => finding.rule);
const careCommunicationInvariants = medcomInvariants().filter(
  (invariant) =>
    invariant.profile.startsWith('MedComCareCommunication') || invariant.profile.startsWith('MedComMessaging'),
);
const brokenInvariants = (bundle: FhirResource) =>
  careCommunicationInvariants.filter((invariant) => !holds(evaluateFhirPath(bundle, overBundle(invariant))));

const valid = validCareCommunication50();
const validPairs = valid.map((example) => [example.name, example] as const);

describe('CareCommunication 5.0 inbound check, judged by MedCom examples', () => {
  it('has MedCom material to judge by', () => {
    expect(valid.length).toBeGreaterThanOrEqual(40);
    expect(invalidCareCommunication50()).toHaveLength(2);
    expect(careCommunication40().length).toBeGreaterThanOrEqual(30);
    expect(careCommunicationInvariants.length).toBeGreaterThanOrEqual(12);
  });

  it.each(validPairs)('accepts %s', (_name, example) => {
    expect(rulesBroken(bundleOf(example))).toEqual([]);
  });

  it.each(validPairs)("%s obeys MedCom's own invariants, as the evaluator reads them", (_name, example) => {
    expect(brokenInvariants(bundleOf(example)).map((invariant) => invariant.id)).toEqual([]);
  });

  it.each(invalidCareCommunication50().map((example) => [example.name, example] as const))(
    'refuses %s: its category has no code',
    (_name, example) => {
      const findings = checkCareCommunication(bundleOf(example));
      expect(findings.map((finding) => finding.rule)).toContain('communication-category');
      expect(findings.find((finding) => finding.rule === 'communication-category')?.code).toBe(
        'MSG_CodeSystem_VALUE_UNKNOWN',
      );
    },
  );

  it.each(careCommunication40().map((example) => [example.name, example] as const))(
    'refuses %s as a 4.0 message',
    (_name, example) => {
      const findings = checkCareCommunication(bundleOf(example));
      expect(findings.map((finding) => finding.rule)).toContain('medcom-carecommunication-definition-url');
      expect(findings[0]?.code).toBe('MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE');
    },
  );
});

describe('CareCommunication 5.0 inbound check names what is wrong', () => {
  const base = bundleOf(valid.find((example) => example.name.includes('Bundle-R-A-new'))!);
  // Mutations reach deep into MedCom's JSON, whose shape the test does not restate.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  type Mutable = Json;
  type Entry = { fullUrl: string; resource: Json };
  const mutated = (change: (bundle: Mutable) => void): FhirResource => {
    const copy = structuredClone(base) as unknown as Mutable;
    change(copy);
    return copy as unknown as FhirResource;
  };
  const resource = (bundle: Mutable, type: string): Json =>
    bundle.entry.find((e: Entry) => e.resource.resourceType === type)!.resource;

  const cases: Array<[what: string, rule: string, change: (bundle: Json) => void]> = [
    ['a CPR with day + 60', 'patient-cpr', (b) => void (resource(b, 'Patient').identifier[0].value = '6509479989')],
    [
      'a SOR id of 8 digits',
      'organization-sor',
      (b) => {
        const sor = resource(b, 'Organization').identifier.find((i: Json) => i.system.endsWith('176.1.1'));
        sor.value = '12345678';
      },
    ],
    ['no destination', 'header-destination', (b) => void (resource(b, 'MessageHeader').destination = [])],
    ['a second Patient', 'medcom-careCommunication-2', (b) => void b.entry.push(structuredClone(b.entry[1]))],
    [
      'priority outside a referral',
      'medcom-careCommunication-5',
      (b) => {
        const communication = resource(b, 'Communication');
        communication.category[0].coding[0].code = 'discharge';
        communication.priority = 'asap';
      },
    ],
    [
      'an unknown category',
      'communication-category',
      (b) => void (resource(b, 'Communication').category[0].coding[0].code = 'gossip'),
    ],
    [
      'a fullUrl that does not name its resource',
      'entry-fullurl',
      (b) => void (b.entry[2].fullUrl = 'https://x/Patient/1'),
    ],
    [
      'no Provenance',
      'medcom-careCommunication-3',
      (b) => void (b.entry = b.entry.filter((e: Entry) => e.resource.resourceType !== 'Provenance')),
    ],
    [
      'an executable attachment',
      'payload-attachment',
      (b) => {
        const { payload } = resource(b, 'Communication');
        payload.push({
          extension: payload[0].extension.slice(0, 2),
          contentAttachment: { contentType: 'application/x-msdownload', data: 'TVo=', title: 'run me' },
        });
      },
    ],
  ];

  it.each(cases)('refuses %s (%s)', (_what, rule, change) => {
    expect(rulesBroken(base)).toEqual([]);
    expect(rulesBroken(mutated(change))).toContain(rule);
  });

  it('refuses what is not a Bundle', () => {
    expect(checkCareCommunication({ resourceType: 'Patient' })).toEqual([
      expect.objectContaining({ rule: 'bundle', code: 'MSG_UNKNOWN_TYPE' }),
    ]);
  });
});

describe("Postbud's own letters", () => {
  // One attachment without a creation time.
  const draft = letterDraft({
    attachments: [{ title: 'Blodprøveresultater', contentType: 'application/pdf', position: 0 }],
  });

  const built = readFhirXml(buildLetterXml(draft).replace(attachmentPlaceholder(0), 'JVBERi0xLjQK'));

  it('pass the inbound check a receiving Postbud would apply', () => {
    expect(rulesBroken(built)).toEqual([]);
  });

  it("obey MedCom's invariants", () => {
    expect(brokenInvariants(built).map((invariant) => invariant.id)).toEqual([]);
  });
});
