import { readdirSync, readFileSync } from 'node:fs';
import type { FhirResource } from '../../gateway/medcom/fhir-xml-read.ts';
import { evaluateFhirPath } from '../../gateway/medcom/fhirpath-eval.ts';
import { officialDir } from './medcom-material.ts';

/** One of MedCom's TouchStone TestScripts, reduced to what can be judged on the messages themselves. */
export interface MedcomTestScript {
  /** The file name without `TestScript-carecommunication-send-` and `.json`. */
  name: string;
  description: string;
  variables: Array<{ name: string; expression: string; sourceId: string }>;
  /** Each assertion with the fixture (message) it is made about. */
  assertions: Array<{ sourceId: string; description: string; expression: string }>;
}

const folder = `${officialDir}carecommunication-testscripts-5.0.0/`;

export function carecommunicationSendScripts(): MedcomTestScript[] {
  return readdirSync(folder)
    .filter((file) => file.startsWith('TestScript-carecommunication-send-'))
    .sort()
    .map((file) => {
      const script = JSON.parse(readFileSync(`${folder}${file}`, 'utf8')) as {
        description?: string;
        variable?: Array<{ name: string; expression?: string; sourceId?: string }>;
        test: Array<{ action: Array<{ operation?: { sourceId?: string }; assert?: Record<string, string> }> }>;
      };
      const assertions: MedcomTestScript['assertions'] = [];
      for (const test of script.test) {
        const sourceId = test.action.find((action) => action.operation?.sourceId)?.operation?.sourceId;
        for (const action of test.action) {
          const expression = action.assert?.expression;
          if (sourceId && expression)
            assertions.push({ sourceId, description: action.assert?.description ?? '', expression });
        }
      }
      return {
        name: file.replace('TestScript-carecommunication-send-', '').replace('.json', ''),
        description: script.description ?? '',
        variables: (script.variable ?? []).flatMap((variable) =>
          variable.expression && variable.sourceId
            ? [{ name: variable.name, expression: variable.expression, sourceId: variable.sourceId }]
            : [],
        ),
        assertions,
      };
    });
}

export interface AssertionResult {
  expression: string;
  description: string;
  passed: boolean;
}

/**
 * Evaluates a script's assertions against the messages a system sent for its fixtures, as
 * TouchStone would: `${variable}` is what the variable's expression gives on its fixture (a
 * variable the script does not define stays as written), and an assertion holds when its
 * expression gives `true`, or (without an operator) anything but empty or false.
 * `lenient` also reads a quoted number compared with a count as that number (MedCom writes
 * `payload.count() = '5'`, which strict FHIRPath compares as Integer = String, never true).
 */
export function runScript(
  script: MedcomTestScript,
  messages: Record<string, FhirResource>,
  { lenient = false } = {},
): AssertionResult[] {
  const values = new Map<string, string>();
  for (const variable of script.variables) {
    const message = messages[variable.sourceId];
    if (!message) continue;
    const [value] = evaluateFhirPath(message, variable.expression);
    if (value !== undefined) values.set(variable.name, String(value));
  }
  return script.assertions.map(({ sourceId, description, expression }) => {
    let resolved = expression.replace(/\$\{([^}]+)\}/g, (whole, name: string) => values.get(name) ?? whole);
    if (lenient) resolved = resolved.replace(/(count\(\)\s*(?:=|!=|>|<|>=|<=)\s*)'(\d+)'/g, '$1$2');
    const message = messages[sourceId];
    if (!message) return { expression, description, passed: false };
    let result: unknown[];
    try {
      result = evaluateFhirPath(message, resolved);
    } catch {
      return { expression, description, passed: false };
    }
    const passed = result.length > 0 && !(result.length === 1 && result[0] === false);
    return { expression, description, passed };
  });
}
