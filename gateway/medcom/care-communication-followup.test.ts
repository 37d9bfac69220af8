import { describe, expect, it } from 'vitest';
import { medcomInvariants, overBundle } from '../../test/support/medcom-invariants.ts';
import { validCareCommunication50 } from '../../test/support/medcom-material.ts';
import { checkCareCommunication } from './care-communication-check.ts';
import { buildFollowUp, type FollowUpDraft } from './care-communication-followup.ts';
import { readCareCommunication, withAttachmentPlaceholders } from './care-communication-read.ts';
import { readFhirXml, type FhirResource } from './fhir-xml-read.ts';
import { evaluateFhirPath, holds } from './fhirpath-eval.ts';
import { writeFhirXml } from './fhir-xml-write.ts';

const example = validCareCommunication50().find((e) => e.name.includes('Bundle-b56549f7') && e.format === 'json')!;
// The second message of MedCom's IG thread: a reply carrying a PDF.
const previous = withAttachmentPlaceholders(JSON.parse(example.text) as FhirResource);
const original = readCareCommunication(previous);

const draft = (overrides: Partial<FollowUpDraft> = {}): FollowUpDraft => ({
  kind: 'reply-message',
  letterId: '1c7d0c52-1111-4c3e-9a55-0d1c2f3e4a5b',
  communicationId: original.communicationId,
  sentAt: '2026-12-03T09:00:00+01:00',
  sender: { sorId: original.recipient.sorId, ean: original.recipient.ean!, name: 'Modtager' },
  recipient: { sorId: original.sender.sorId, ean: original.sender.ean!, name: 'Afsender' },
  text: 'Tak for svaret.\nVenlig hilsen',
  author: { name: 'Else Marie Jensen', role: 'sygeplejerske', phone: '+4512345678' },
  attachments: [{ title: 'Notat', contentType: 'application/pdf' }],
  ...overrides,
});
const invariants = medcomInvariants().filter((i) => /^MedCom(CareCommunication|Messaging)/.test(i.profile));
const brokenInvariants = (bundle: FhirResource) =>
  invariants.filter((i) => !holds(evaluateFhirPath(bundle, overBundle(i)))).map((i) => i.id);
const communicationOf = (bundle: FhirResource) =>
  (bundle.entry as Array<{ resource: Record<string, unknown> }>).find(
    (e) => e.resource.resourceType === 'Communication',
  )!.resource as { payload: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('reply and forward, built as MedCom builds them', () => {
  it('a reply keeps the thread, the earlier text, cites earlier attachments without data, and passes MedCom', () => {
    const reply = buildFollowUp(previous, draft());
    expect(checkCareCommunication(reply)).toEqual([]);
    expect(brokenInvariants(reply)).toEqual([]);
    const read = readCareCommunication(reply);
    expect(read).toMatchObject({
      messageHeaderId: draft().letterId,
      activity: 'reply-message',
      communicationId: original.communicationId,
      sender: { sorId: original.recipient.sorId },
      recipient: { sorId: original.sender.sorId },
      category: original.category,
    });
    const payloads = communicationOf(reply).payload;
    const earlier = communicationOf(previous).payload;
    expect(payloads.slice(0, earlier.length).map((p) => p.contentString)).toEqual(earlier.map((p) => p.contentString));
    const cited = payloads.filter((p) => p.contentAttachment && !p.contentAttachment.data);
    expect(cited.map((p) => p.contentAttachment.title)).toEqual(original.attachments.map((a) => a.title));
    expect(read.attachments.map((a) => [a.title, a.data])).toEqual([['Notat', 'postbud-attachment:0']]);
    const provenances = (reply.entry as Array<{ resource: Record<string, any> }>) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map((e) => e.resource)
      .filter((r) => r.resourceType === 'Provenance');
    const mine = provenances.find((p) => p.target[0].reference === `MessageHeader/${draft().letterId}`)!;
    expect(mine.entity).toContainEqual({
      role: 'revision',
      what: {
        reference: `MessageHeader/${String((previous.entry as Array<{ resource: { id: string } }>)[0]!.resource.id)}`,
      },
    });
    expect(provenances).toHaveLength(
      (previous.entry as Array<{ resource: { resourceType: string } }>).filter(
        (e) => e.resource.resourceType === 'Provenance',
      ).length + 1,
    );
    // And it survives FHIR XML as it is delivered.
    expect(readFhirXml(writeFhirXml(reply))).toEqual(reply);
  });

  it('a forward starts a new thread and re-sends every earlier attachment with its data', () => {
    const forward = buildFollowUp(
      previous,
      draft({
        kind: 'forward-message',
        communicationId: '5f0d6a0e-2222-4c3e-9a55-0d1c2f3e4a5b',
        recipient: { sorId: '1042981000016003', ean: '5790001348120', name: 'Tredje part' },
        attachments: [],
      }),
    );
    expect(checkCareCommunication(forward)).toEqual([]);
    expect(brokenInvariants(forward)).toEqual([]);
    const read = readCareCommunication(forward);
    expect(read.activity).toBe('forward-message');
    expect(read.communicationId).toBe('5f0d6a0e-2222-4c3e-9a55-0d1c2f3e4a5b');
    expect(read.attachments.map((a) => a.data)).toEqual(original.attachments.map((_a, i) => `postbud-attachment:${i}`));
  });

  it('gives the author role as a code when it is one and as text otherwise', () => {
    const reply = buildFollowUp(
      previous,
      draft({ author: { name: 'Bo Ib', role: 'Sygeplejerske i hjemmeplejen', phone: '12345678' } }),
    );
    expect(checkCareCommunication(reply)).toEqual([]);
    const roles = (reply.entry as Array<{ resource: Record<string, any> }>) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map((e) => e.resource)
      .filter((r) => r.resourceType === 'PractitionerRole');
    expect(roles.at(-1)!.code).toEqual([{ text: 'Sygeplejerske i hjemmeplejen' }]);
  });
});
