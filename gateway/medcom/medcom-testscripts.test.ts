import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validCareCommunication50 } from '../../test/support/medcom-material.ts';
import { carecommunicationSendScripts, runScript } from '../../test/support/medcom-testscripts.ts';
import { sampleBmp, sampleGif, sampleJpeg, samplePdf, samplePng, sampleTiff } from '../../test/support/sample-files.ts';
import { checkCareCommunication } from './care-communication-check.ts';
import { buildFollowUp, type FollowUpDraft } from './care-communication-followup.ts';
import { readCareCommunication, withAttachmentPlaceholders } from './care-communication-read.ts';
import { readFhirXml, type FhirResource } from './fhir-xml-read.ts';
import { attachmentPlaceholder, buildLetterXml, type LetterDraft } from './letter-xml.ts';
import { lpr3System } from '../../schemas/episode-of-care.ts';

/**
 * MedCom's 32 TouchStone send TestScripts, run against the messages Postbud builds for each
 * script's case (our reading of its description): a new letter built from the JSON API's draft,
 * and replies and forwards built from the message they follow up.
 */

const parties = {
  hospital: { sorId: '441211000016000', ean: '5790001987244', name: 'Klinik for Ældresygdomme, AUH, Skejby' },
  municipality: { sorId: '330461000016004', ean: '5790001353308', name: 'Sundhedsplejen, Aabenraa kommune' },
  gp: { sorId: '1042981000016003', ean: '5790001348120', name: 'Lægerne i Testby' },
};
const files = {
  'application/pdf': samplePdf(3000),
  'image/png': samplePng(3000),
  'image/jpeg': sampleJpeg(3000),
  'image/gif': sampleGif(3000),
  'image/bmp': sampleBmp(),
  'image/tiff': sampleTiff(3000),
} as const;
type FileType = keyof typeof files;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Puts attachment bytes where the stored form has placeholders, as delivery does. */
function withData(bundle: FhirResource, bytes: Buffer[]): FhirResource {
  for (const { resource } of bundle.entry as Array<{ resource: Json }>)
    for (const payload of resource.payload ?? []) {
      const data = payload.contentAttachment?.data;
      const match = typeof data === 'string' ? /^postbud-attachment:(\d+)$/.exec(data) : null;
      if (match) payload.contentAttachment.data = bytes[Number(match[1])]!.toString('base64');
    }
  return bundle;
}

function newMessage(overrides: Partial<LetterDraft> = {}, types: FileType[] = []): FhirResource {
  const draft: LetterDraft = {
    letterId: randomUUID(),
    communicationId: randomUUID(),
    sentAt: '2026-12-03T09:00:00+01:00',
    sender: parties.hospital,
    recipient: parties.municipality,
    patient: { cpr: '2509479989', given: 'Bruno Test', family: 'Elmer' },
    category: 'examination-results',
    text: 'Til rette vedkommende.\nHilsen Michael',
    author: { name: 'Michael Magnus Burns', role: 'sygeplejerske', phone: '+4538683868' },
    attachments: types.map((contentType, position) => ({
      title: `Bilag ${position + 1}`,
      contentType,
      creation: '2026-12-01T08:00:00+01:00',
      position,
    })),
    ...overrides,
  };
  let xml = buildLetterXml(draft);
  types.forEach(
    (type, position) => (xml = xml.replace(attachmentPlaceholder(position), files[type].toString('base64'))),
  );
  return readFhirXml(xml);
}

function followUp(
  previous: FhirResource,
  kind: FollowUpDraft['kind'],
  overrides: Partial<FollowUpDraft> = {},
  types: FileType[] = [],
): FhirResource {
  const read = readCareCommunication(previous);
  const party = (sorId: string, ean: string | undefined) =>
    Object.values(parties).find((p) => p.sorId === sorId) ?? { sorId, ean: ean ?? '', name: `SOR ${sorId}` };
  // A reply goes back from the recipient; a forward goes on from the recipient to a GP.
  const sender = party(read.recipient.sorId, read.recipient.ean);
  const recipient = kind === 'reply-message' ? party(read.sender.sorId, read.sender.ean) : parties.gp;
  const bundle = buildFollowUp(withAttachmentPlaceholders(previous), {
    kind,
    letterId: randomUUID(),
    communicationId: kind === 'reply-message' ? read.communicationId : randomUUID(),
    sentAt: '2026-12-03T10:00:00+01:00',
    sender,
    recipient,
    text: kind === 'reply-message' ? 'Tak for beskeden.' : 'Til orientering.',
    author: { name: 'Else Marie Jensen', role: 'sygeplejerske', phone: '+4512345678' },
    attachments: types.map((contentType, index) => ({ title: `Nyt bilag ${index + 1}`, contentType })),
    ...overrides,
  });
  const earlier = kind === 'forward-message' ? read.attachments.map((a) => Buffer.from(a.data, 'base64')) : [];
  return withData(bundle, [...earlier, ...types.map((type) => files[type])]);
}

const official = (prefix: string): FhirResource => {
  const example = validCareCommunication50().find((e) => e.name.includes(prefix) && e.format === 'json')!;
  return JSON.parse(example.text) as FhirResource;
};

type Case = () => Record<string, FhirResource>;
const received = 'create-new-message-01';
const replyTo = (previous: FhirResource, overrides: Partial<FollowUpDraft> = {}, types: FileType[] = []) => ({
  [received]: previous,
  'create-reply-message-02': followUp(previous, 'reply-message', overrides, types),
});
const forwardOf = (previous: FhirResource, overrides: Partial<FollowUpDraft> = {}, types: FileType[] = []) => ({
  [received]: previous,
  'create-forward-message-02': followUp(previous, 'forward-message', overrides, types),
});
const single = (message: FhirResource) => ({ [received]: message });

const cases: Record<string, Case> = {
  'new-message': () => single(newMessage()),
  'new-topic': () => single(newMessage({ topic: 'Blodprøver' })),
  'new-priority': () => single(newMessage({ category: 'regarding-referral', priority: 'asap' })),
  'new-category-other': () => single(newMessage({ category: 'other', topic: 'Hjælpemidler til badeværelset' })),
  'new-attachment-pdf': () => single(newMessage({}, ['application/pdf'])),
  'new-attachment-png': () => single(newMessage({}, ['image/png'])),
  'new-attachment-jpeg': () => single(newMessage({}, ['image/jpeg'])),
  'new-attachment-gif': () => single(newMessage({}, ['image/gif'])),
  'new-attachment-bmp': () => single(newMessage({}, ['image/bmp'])),
  'new-attachment-tiff': () => single(newMessage({}, ['image/tiff'])),
  'new-attachment-multiple': () => single(newMessage({}, ['application/pdf', 'image/png', 'image/jpeg'])),
  'new-attachment-structured': () => single(newMessage({}, ['application/pdf'])),
  'new-attachment-link': () =>
    single(newMessage({ links: [{ title: 'Link', url: 'https://medcom.dk/projekter/korrespondancemeddelelse/' }] })),
  'tec-02': () =>
    single(
      newMessage({
        specificSender: { practitioner: { name: 'Michael Magnus Burns', role: 'sygeplejerske' } },
        specificRecipient: { careTeam: { name: 'Sundhedsplejen, team Nord' } },
      }),
    ),
  'tec-03': () => single(newMessage()),
  'tec-04': () =>
    single(
      newMessage({
        patient: { replacementCpr: { system: 'urn:oid:1.2.208.176.1.6.1.1', value: '0703921VJ4' }, given: 'Bruno' },
      }),
    ),
  'tec-05': () =>
    single(
      newMessage({
        episodeOfCare: {
          system: lpr3System,
          value: 'urn:uuid:4fc8e5b3-9e4a-5f2b-8c1d-2a3b4c5d6e7f',
          encounterClass: 'AMB',
        },
      }),
    ),
  'reply-message': () => replyTo(newMessage()),
  'reply-new': () => replyTo(newMessage()),
  'reply-attachment': () => replyTo(newMessage(), {}, ['application/pdf']),
  'reply-add-attachment': () => replyTo(newMessage(), {}, ['application/pdf', 'image/png']),
  'reply-changecategory': () => replyTo(newMessage(), { category: 'discharge' }),
  'reply-changetopic': () => replyTo(newMessage({ topic: 'Blodprøver' }), { topic: 'Svar på blodprøver' }),
  'reply-forward': () => {
    const forward = followUp(newMessage(), 'forward-message');
    return { 'create-forward-message-01': forward, 'create-reply-message-02': followUp(forward, 'reply-message') };
  },
  // The IG's message with all optional content (priority, encounter, specific sender and recipient).
  'tec-01': () => replyTo(official('Bundle-gfd00bc2')),
  'tec-06': () => replyTo(official('Bundle-S-Tek-B-new-episodeOfCare')),
  'forward-message': () => forwardOf(newMessage()),
  'forward-partialthread': () => forwardOf(newMessage()),
  'forward-attachment': () => forwardOf(newMessage(), {}, ['application/pdf']),
  'forward-add-attachment': () => forwardOf(newMessage({}, ['application/pdf']), {}, ['image/png', 'image/jpeg']),
  'forward-changecategory': () => forwardOf(newMessage(), { category: 'discharge' }),
  'forward-changetopic': () => forwardOf(newMessage({ topic: 'Blodprøver' }), { topic: 'Videresendt: blodprøver' }),
};

/**
 * Scripts Postbud's messages do not pass, and why. reply-forward cites a variable it never
 * defines (`messageHeaderid-new-message-01`), so no message can pass it; reply-add-attachment
 * counts the earlier attachment's data in the reply (`data.count() = 3`), where Postbud cites
 * earlier attachments by identifier, date and title, as MedCom's IG does in its third reply.
 */
const notYetPassing: Record<string, string> = {
  'reply-forward': 'the script asserts on a variable it does not define',
  'reply-add-attachment':
    "the script expects the reply to re-send the earlier attachment's data; a Postbud reply cites it without data",
};

const scripts = carecommunicationSendScripts();

describe("MedCom's TouchStone send TestScripts on Postbud's messages", () => {
  it('has all 32 scripts and a case for each', () => {
    expect(scripts).toHaveLength(32);
    expect(Object.keys(cases).sort()).toEqual(scripts.map((script) => script.name).sort());
  });

  it.each(scripts.map((script) => [script.name, script] as const))('%s', (name, script) => {
    const messages = cases[name]!();
    for (const message of Object.values(messages)) expect(checkCareCommunication(message)).toEqual([]);
    const failed = runScript(script, messages, { lenient: true }).filter((result) => !result.passed);
    if (name in notYetPassing) expect(failed.length, notYetPassing[name]).toBeGreaterThan(0);
    else expect(failed.map((result) => result.expression)).toEqual([]);
  });

  it('reports how many pass', () => {
    const outcome = (lenient: boolean) =>
      scripts.filter((script) => runScript(script, cases[script.name]!(), { lenient }).every((r) => r.passed)).length;
    const strict = outcome(false);
    const lenient = outcome(true);
    console.info(`MedCom send TestScripts passed: ${lenient}/32 (${strict}/32 with strict Integer = String)`);
    expect(lenient).toBe(32 - Object.keys(notYetPassing).length);
  });
});
