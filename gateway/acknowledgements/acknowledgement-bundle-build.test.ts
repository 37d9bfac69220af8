import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import { runSendScript } from '../../test/support/acknowledgement-testscripts.ts';
import { acknowledgementTestScripts } from '../../test/support/medcom-material.ts';
import { medcomInvariants, overBundle } from '../../test/support/medcom-invariants.ts';
import type { FhirResource } from '../medcom/fhir-xml-read.ts';
import { writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { evaluateFhirPath, holds } from '../medcom/fhirpath-eval.ts';
import { buildAcknowledgementBundle, type AcknowledgementDraft } from './acknowledgement-bundle-build.ts';
import { readAcknowledgementBundle } from './acknowledgement-bundle-read.ts';

// The built Bundle is walked freely here.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const issues: Record<ResponseCode, AcknowledgementDraft['issues']> = {
  ok: [],
  'transient-error': [
    {
      severity: 'error',
      code: 'value',
      details: {
        coding: [
          {
            system: 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-acknowledgement-error-codes',
            code: 'MSG_Mailbox_Out_Of_Operation',
          },
        ],
        text: 'Lukket <til> mandag & "så"',
      },
    },
  ],
  'fatal-error': [
    {
      severity: 'error',
      code: 'structure',
      details: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/operation-outcome', code: 'MSG_BAD_FORMAT' }],
      },
    },
  ],
};

let clock = Date.parse('2025-03-01T12:00:00Z');
function draft(code: ResponseCode, letterHeaderId: string = randomUUID()): AcknowledgementDraft {
  clock += 1000;
  return {
    bundleId: randomUUID(),
    timestamp: new Date(clock).toISOString(),
    messageHeaderId: randomUUID(),
    code,
    issues: issues[code],
    acknowledgedAt: '2025-03-01T11:59:00.123456+00:00',
    letter: {
      id: letterHeaderId,
      messageHeaderId: letterHeaderId,
      activity: 'new-message',
      sentAt: '2025-03-01T11:00:00Z',
    },
    acknowledging: { sorId: '200011000016004', ean: '5790000200014', name: 'Testby Kommune, Socialpsykiatri' },
    acknowledged: { sorId: '100011000016002', ean: '5790000100024', name: 'Testland Psykiatri, Afdeling for Psykoser' },
  };
}

const codes: ResponseCode[] = ['ok', 'transient-error', 'fatal-error'];
const resources = (bundle: FhirResource): Json[] => (bundle.entry as Json[]).map((entry) => entry.resource);

/** The invariants of MedCom's Acknowledgement message profile and the Messaging profile under it, from the FSH. */
const bundleInvariants = medcomInvariants().filter((invariant) =>
  ['MedComAcknowledgementMessage', 'MedComMessagingMessage'].includes(invariant.profile),
);

describe('the Acknowledgement Bundle Postbud builds', () => {
  it('is checked against MedCom’s invariants medcom-acknowledgement-1/-2 and medcom-messaging-1/-2', () => {
    expect(bundleInvariants.map((invariant) => invariant.id).sort()).toEqual([
      'medcom-acknowledgement-1',
      'medcom-acknowledgement-2',
      'medcom-messaging-1',
      'medcom-messaging-2',
    ]);
  });

  describe.each(codes)('%s', (code) => {
    const bundle = buildAcknowledgementBundle(draft(code));

    it.each(bundleInvariants.map((invariant) => [invariant.id, invariant] as const))('obeys %s', (_id, invariant) => {
      expect(holds(evaluateFhirPath(bundle, overBundle(invariant)))).toBe(true);
    });

    it('is one our own reader accepts, in JSON and in XML, saying what it was built from', () => {
      const built = draft(code);
      const json = buildAcknowledgementBundle(built);
      const fromJson = readAcknowledgementBundle({ fhir: 'json', json });
      const fromXml = readAcknowledgementBundle({ fhir: 'xml', text: writeFhirXml(json) });
      expect(fromXml).toEqual(fromJson);
      expect(fromJson).toEqual({
        bundleId: built.bundleId,
        messageHeaderId: built.messageHeaderId,
        acknowledgedMessageHeaderId: built.letter.messageHeaderId,
        code,
        issues: built.issues,
        sender: { sorId: built.acknowledging.sorId, ean: built.acknowledging.ean },
        receiver: { sorId: built.acknowledged.sorId, ean: built.acknowledged.ean },
      });
    });

    it('has the two Provenances, the acknowledgement’s naming the acknowledged MessageHeader', () => {
      const header = resources(bundle)[0]!;
      const provenances = resources(bundle).filter((r) => r.resourceType === 'Provenance');
      expect(provenances.map((p) => p.activity.coding[0].code)).toEqual(['new-message', 'acknowledgement']);
      expect(provenances[0]!.target[0].reference).toBe(`MessageHeader/${header.response.identifier}`);
      expect(provenances[1]).toMatchObject({
        target: [{ reference: `MessageHeader/${header.id}` }],
        entity: [{ role: 'revision', what: { reference: `MessageHeader/${header.response.identifier}` } }],
      });
      expect(resources(bundle).some((r) => r.resourceType === 'OperationOutcome')).toBe(code !== 'ok');
    });
  });

  it('fails the invariants when broken, so the checks above can fail', () => {
    const fatal: Json & FhirResource = buildAcknowledgementBundle(draft('fatal-error'));
    fatal.entry = fatal.entry.filter((entry: Json) => entry.resource.resourceType !== 'OperationOutcome');
    const byId = new Map(bundleInvariants.map((invariant) => [invariant.id, overBundle(invariant)]));
    expect(holds(evaluateFhirPath(fatal, byId.get('medcom-acknowledgement-1')!))).toBe(false);
    fatal.entry[0].resource.meta.profile = [
      'http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-messageHeader',
    ];
    expect(holds(evaluateFhirPath(fatal, byId.get('medcom-acknowledgement-2')!))).toBe(false);
  });

  it('escapes issue text in the narrative and keeps it as given in the element', () => {
    const bundle = buildAcknowledgementBundle(draft('transient-error'));
    const outcome = resources(bundle).find((r) => r.resourceType === 'OperationOutcome')!;
    expect(outcome.text.div).toContain('Lukket &lt;til&gt; mandag &amp; &quot;så&quot;');
    expect(outcome.issue[0].details.text).toBe('Lukket <til> mandag & "så"');
  });
});

describe('MedCom’s acknowledgement send TestScripts, on acknowledgements Postbud builds', () => {
  const sendScripts = acknowledgementTestScripts().filter(({ name }) => name.includes('-send-'));

  it('are all six', () => expect(sendScripts).toHaveLength(6));

  it.each(sendScripts.map(({ name, script }) => [name.split('/').pop()!, script] as const))(
    '%s',
    async (_name, script) => {
      const letters: string[] = [];
      const newLetterId = (): string => randomUUID();
      const outcome = await runSendScript(
        script as Json,
        async (code, messageIndex) => {
          letters[messageIndex] ??= newLetterId();
          const built = draft(code, letters[messageIndex]);
          return {
            bundle: buildAcknowledgementBundle(built),
            acknowledgedMessageHeaderId: built.letter.messageHeaderId,
          };
        },
        (bundle) => {
          try {
            readAcknowledgementBundle({ fhir: 'json', json: bundle });
            readAcknowledgementBundle({ fhir: 'xml', text: writeFhirXml(bundle) });
            return true;
          } catch {
            return false;
          }
        },
      );
      expect(outcome.failed).toEqual([]);
      expect(outcome.passed.length).toBeGreaterThanOrEqual(9);
    },
  );
});
