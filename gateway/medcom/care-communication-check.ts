import { careCommunicationRules, type MedcomErrorCode } from './care-communication-rules.ts';
import type { FhirResource } from './fhir-xml-read.ts';
import { evaluateEach, holds } from './fhirpath-eval.ts';

/** A rule the message breaks: its id, what must hold, and the MedCom error code to answer with. */
export interface BundleFinding {
  rule: string;
  text: string;
  code: MedcomErrorCode;
}

type Entry = { fullUrl?: unknown; resource?: { resourceType?: unknown; id?: unknown } };

/** MedCom: an entry's fullUrl ends with its resource's type and id, which is how references resolve. */
function fullUrlFindings(bundle: FhirResource): BundleFinding[] {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Entry[]) : [];
  const wrong = entries.findIndex(
    ({ fullUrl, resource }) =>
      typeof fullUrl !== 'string' || !fullUrl.endsWith(`/${String(resource?.resourceType)}/${String(resource?.id)}`),
  );
  return wrong === -1
    ? []
    : [
        {
          rule: 'entry-fullurl',
          text: `entry ${wrong}: fullUrl shall end with the resource's type and id`,
          code: 'MSG_RESOURCE_ID_MISSING',
        },
      ];
}

/**
 * Checks a CareCommunication 5.0 message (FHIR JSON, attachment data may be left out) against
 * our reading of MedCom's profiles. An empty list means the message is one we can receive.
 */
export function checkCareCommunication(bundle: FhirResource): BundleFinding[] {
  if (bundle.resourceType !== 'Bundle')
    return [{ rule: 'bundle', text: 'a CareCommunication message is a Bundle', code: 'MSG_UNKNOWN_TYPE' }];
  let results: unknown[][];
  try {
    results = evaluateEach(
      bundle,
      careCommunicationRules.map((rule) => rule.expression),
    );
  } catch {
    return [{ rule: 'bundle', text: 'the message could not be evaluated as FHIR', code: 'MSG_BAD_FORMAT' }];
  }
  const broken = careCommunicationRules
    .filter((_rule, index) => !holds(results[index]!))
    .map(({ id, text, code }) => ({ rule: id, text, code }));
  return [...fullUrlFindings(bundle), ...broken];
}
