import { describe, expect, it } from 'vitest';
import { acknowledgementTestScriptFixtures, readOfficialJson } from '../test/support/medcom-material.ts';
import {
  acknowledgedActivityCodes,
  acknowledgementActivityCode,
  acknowledgementEventCode,
  acknowledgementUris,
  issueDetailsValueSet,
  legacyIssueDetails,
  medcomAcknowledgementErrorCodes,
  medcomErrorCodeSystem,
} from './acknowledgement-codes.ts';
import { careCommunicationUris } from './care-communication-xml.ts';

// MedCom's terminology files are walked freely here; their shape is MedCom's.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const terminology = (file: string) => readOfficialJson(`terminology-2.0.1/${file}.json`) as Json;
const codesOf = (concepts: Json[] = []): string[] => concepts.flatMap((c) => [c.code, ...codesOf(c.concept)]);

describe('our acknowledgement code lists are MedCom’s', () => {
  it('the issue-details value set, system by system and code by code', () => {
    const valueSet = terminology('ValueSet-medcom-acknowledgement-issue-details');
    const theirs = Object.fromEntries(
      valueSet.compose.include.map((include: Json) => [include.system, include.concept.map((c: Json) => c.code)]),
    );
    expect(issueDetailsValueSet).toEqual(theirs);
  });

  it('MedCom’s error codes with their displays', () => {
    const codeSystem = terminology('CodeSystem-medcom-acknowledgement-error-codes');
    expect(codeSystem.url).toBe(medcomErrorCodeSystem);
    expect(medcomAcknowledgementErrorCodes).toEqual(
      Object.fromEntries(codeSystem.concept.map((c: Json) => [c.code, c.display])),
    );
  });

  it('the legacy issue-details code is what MedCom’s TouchStone fixtures send, and not in the value set', () => {
    const sent = acknowledgementTestScriptFixtures().flatMap((fixture) =>
      (JSON.parse(fixture.text) as Json).entry
        .filter((entry: Json) => entry.resource.resourceType === 'OperationOutcome')
        .flatMap((entry: Json) => entry.resource.issue.flatMap((issue: Json) => issue.details.coding)),
    );
    const legacy = sent.filter((coding: Json) => !issueDetailsValueSet[coding.system]?.includes(coding.code));
    expect(legacy.length).toBeGreaterThan(0);
    for (const coding of legacy) expect(legacyIssueDetails[coding.system]).toContain(coding.code);
  });

  it('the event and activity codes', () => {
    const events = terminology('CodeSystem-medcom-messaging-eventCodes');
    expect(events.url).toBe(careCommunicationUris.eventCodes);
    expect(codesOf(events.concept)).toContain(acknowledgementEventCode);
    const activities = terminology('CodeSystem-medcom-messaging-activityCodes');
    expect(activities.url).toBe(careCommunicationUris.activityCodes);
    expect(codesOf(activities.concept)).toEqual(
      expect.arrayContaining([acknowledgementActivityCode, ...acknowledgedActivityCodes]),
    );
  });

  it('the profile URLs of the Acknowledgement 2.0.3 and Messaging IGs', () => {
    const url = (path: string) => (readOfficialJson(path) as Json).url;
    const ig = 'ig-acknowledgement-2.0.3/StructureDefinition-';
    expect(acknowledgementUris.messageProfile).toBe(url(`${ig}medcom-messaging-acknowledgement.json`));
    expect(acknowledgementUris.headerProfile).toBe(url(`${ig}medcom-messaging-acknowledgementHeader.json`));
    expect(acknowledgementUris.operationOutcomeProfile).toBe(url(`${ig}medcom-acknowledgement-operationoutcome.json`));
    expect(acknowledgementUris.provenanceProfile).toBe(
      url('ig-messaging-4.0.2/StructureDefinition-medcom-messaging-provenance.json'),
    );
  });
});
