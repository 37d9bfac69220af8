import type { ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import type { FhirResource } from '../../gateway/medcom/fhir-xml-read.ts';
import { evaluateFhirPath, holds } from '../../gateway/medcom/fhirpath-eval.ts';

// MedCom's TestScripts are walked freely here; their shape is MedCom's (FHIR R4 TestScript).
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a send script's acknowledgements are made of: one per "Post an Acknowledgement". */
export interface ProducedAcknowledgement {
  bundle: FhirResource;
  /** The MessageHeader.id of the message it acknowledges. */
  acknowledgedMessageHeaderId: string;
}

export interface ScriptOutcome {
  passed: string[];
  failed: string[];
  /** HTTP status assertions: about TouchStone's exchange, not about an acknowledgement. */
  notApplicable: string[];
}

/**
 * TouchStone keeps each entry's fullUrl as `Type/id`, and MedCom's send scripts compare fullUrls
 * with references literally (`target.reference = %resource.entry[0].fullUrl`); an acknowledgement
 * Postbud builds has absolute fullUrls, as MedCom's IG examples do, so it is held as TouchStone holds it.
 */
export function asTouchStoneHoldsIt(bundle: FhirResource): FhirResource {
  const copy = structuredClone(bundle) as Json;
  for (const entry of copy.entry ?? []) entry.fullUrl = `${entry.resource.resourceType}/${entry.resource.id}`;
  return copy as FhirResource;
}

const codeOfTest = (name: string): ResponseCode | undefined =>
  /Acknowledegment (ok|transient-error|fatal-error)/.exec(name)?.[1] as ResponseCode | undefined;

/** The delivered message as TouchStone holds it: what the script's variables read of it. */
function deliveredMessage(messageHeaderId: string): FhirResource {
  return {
    resourceType: 'Bundle',
    entry: [
      { fullUrl: `MessageHeader/${messageHeaderId}`, resource: { resourceType: 'MessageHeader', id: messageHeaderId } },
    ],
  };
}

/**
 * Runs the request assertions of one of MedCom's acknowledgement send TestScripts. The script
 * delivers messages ("Get a … message", read by a variable of the fixture) and expects Postbud to
 * acknowledge each: `produce(code, n)` gives the acknowledgement of the n-th message the script
 * delivered, and `validate` is the profile validation it asks for. Variables are computed as the
 * script defines them, from the delivered message or from an acknowledgement.
 */
export async function runSendScript(
  script: Json,
  produce: (code: ResponseCode, messageIndex: number) => Promise<ProducedAcknowledgement>,
  validate: (bundle: FhirResource) => boolean,
): Promise<ScriptOutcome> {
  const outcome: ScriptOutcome = { passed: [], failed: [], notApplicable: [] };
  const definitions = new Map<string, Json>((script.variable as Json[]).map((v) => [v.name, v]));
  const sources = new Map<string, FhirResource>();
  const variable = (name: string): string => {
    const definition = definitions.get(name);
    const source = definition && sources.get(definition.sourceId);
    if (!source) throw new Error(`variable ${name} has no source yet`);
    return String(evaluateFhirPath(source, definition.expression)[0]);
  };
  const substituted = (text: string) => text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => variable(name));
  const delivered: string[] = [];
  let current: FhirResource | undefined;
  for (const test of script.test as Json[]) {
    for (const { operation, assert } of test.action as Json[]) {
      const read = operation?.type?.code === 'read' && /\$\{([^}]+)\}/.exec(operation.params ?? '')?.[1];
      if (read) delivered.push(definitions.get(read)!.sourceId as string);
      const code = codeOfTest(test.name);
      if (operation?.type?.code === 'create' && operation.requestId && code) {
        const produced = await produce(code, delivered.length - 1);
        sources.set(delivered.at(-1)!, deliveredMessage(produced.acknowledgedMessageHeaderId));
        current = asTouchStoneHoldsIt(produced.bundle);
        sources.set(operation.requestId, current);
      }
      if (!assert) continue;
      const label = `${test.name}: ${assert.description}`;
      if (assert.responseCode || assert.direction !== 'request' || !current) {
        outcome.notApplicable.push(label);
        continue;
      }
      let ok: boolean;
      if (assert.validateProfileId) ok = validate(current);
      else if (assert.resource && !assert.expression) ok = current.resourceType === assert.resource;
      else {
        const result = evaluateFhirPath(current, substituted(assert.expression));
        ok =
          assert.operator === 'equals' ? result.length > 0 && result.every((v) => v === assert.value) : holds(result);
      }
      (ok ? outcome.passed : outcome.failed).push(label);
    }
  }
  return outcome;
}
