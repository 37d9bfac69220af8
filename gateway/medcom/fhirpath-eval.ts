import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import type { FhirResource } from './fhir-xml-read.ts';

type Entry = { fullUrl?: unknown; resource?: FhirResource };

let bundleInEvaluation: FhirResource | undefined;

/** The entry a reference names inside the Bundle: by fullUrl, or by `Type/id` at the end of it. */
function entryResource(bundle: FhirResource | undefined, reference: string): FhirResource | undefined {
  const entries = Array.isArray(bundle?.entry) ? (bundle.entry as Entry[]) : [];
  const key = reference.split('/').slice(-2).join('/');
  for (const entry of entries) {
    const resource = entry.resource;
    if (!resource) continue;
    if (entry.fullUrl === reference) return resource;
    if (`${resource.resourceType}/${String(resource.id)}` === key) return resource;
  }
  return undefined;
}

/**
 * `resolve()` inside the message: a MedCom Bundle is self-contained, so references resolve to its
 * own entries and never to a server (HL7's implementation would fetch them).
 */
const userInvocationTable = {
  resolve: {
    fn: (inputs: unknown[]) =>
      inputs.flatMap((input) => {
        const reference = typeof input === 'string' ? input : (input as { reference?: unknown } | null)?.reference;
        const resource = typeof reference === 'string' ? entryResource(bundleInEvaluation, reference) : undefined;
        return resource ? [resource] : [];
      }),
    arity: { 0: [] },
  },
};

const compiled = new Map<string, (resource: unknown, env: Record<string, unknown>) => unknown[]>();

/**
 * Evaluates FHIRPath with HL7's implementation (the fhirpath package) and the R4 model, against a
 * copy of the resource (the library annotates what it reads). `%resource` is the resource itself.
 */
export function evaluateFhirPath(resource: FhirResource, expression: string): unknown[] {
  return evaluateEach(resource, [expression])[0]!;
}

/** Several expressions against one copy of the resource. */
export function evaluateEach(resource: FhirResource, expressions: readonly string[]): unknown[][] {
  const copy = structuredClone(resource);
  const previous = bundleInEvaluation;
  bundleInEvaluation = copy;
  try {
    return expressions.map((expression) =>
      compiledExpression(expression)(copy, { resource: copy, rootResource: copy }),
    );
  } finally {
    bundleInEvaluation = previous;
  }
}

function compiledExpression(expression: string): (resource: unknown, env: Record<string, unknown>) => unknown[] {
  let evaluate = compiled.get(expression);
  if (!evaluate) {
    evaluate = fhirpath.compile(expression, r4, { userInvocationTable }) as unknown as (
      resource: unknown,
      env: Record<string, unknown>,
    ) => unknown[];
    compiled.set(expression, evaluate);
  }
  return evaluate;
}

/** FHIRPath's truth of a result: one `true`, as an invariant needs. */
export function holds(result: unknown[]): boolean {
  return result.length === 1 && result[0] === true;
}
