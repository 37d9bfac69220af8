import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** MedCom's official material, read where it lies (../shared/medcom), never copied into the repository. */
export const medcomDir = fileURLToPath(new URL('../../../shared/medcom/', import.meta.url));
export const officialDir = `${medcomDir}official/`;

export interface MedcomExample {
  /** Folder and file, as a test names it. */
  name: string;
  format: 'xml' | 'json';
  text: string;
}

function examples(folder: string, accept: (file: string) => boolean): MedcomExample[] {
  const dir = `${medcomDir}${folder}`;
  return readdirSync(dir)
    .filter((file) => /\.(xml|json)$/.test(file) && accept(file))
    .sort()
    .map((file) => ({
      name: `${folder}/${file}`,
      format: file.endsWith('.xml') ? 'xml' : 'json',
      text: readFileSync(`${dir}/${file}`, 'utf8'),
    }));
}

const bundles = (file: string) => file.startsWith('Bundle-');
/** MedCom's two receive examples that reuse a MessageHeader.id with a category that has no code. */
const invalidReceiveExample = (file: string) => /-inv-/.test(file);

/** Every valid CareCommunication 5.0 message: receive and send sets, IG 5.0.2 examples, the three at the top. */
export function validCareCommunication50(): MedcomExample[] {
  return [
    ...examples('official/ReceiveExamples', (file) => !invalidReceiveExample(file)),
    ...examples('official/SendExamples', () => true),
    ...examples('official/ig-carecommunication-5.0.2', bundles),
    ...examples('', bundles),
  ];
}

export function invalidCareCommunication50(): MedcomExample[] {
  return examples('official/ReceiveExamples', invalidReceiveExample);
}

/** CareCommunication 4.0 messages, which a 5.0 receiver refuses. */
export function careCommunication40(): MedcomExample[] {
  return [
    ...examples('official/CareCommunication_Ex_receive', () => true),
    ...examples('official/CareCommunication_Ex_send', () => true),
  ];
}

/** The Acknowledgement 2.0.3 IG examples (ok, transient-error, fatal-error, and the acknowledged message). */
export function acknowledgementExamples(): MedcomExample[] {
  return examples('official/ig-acknowledgement-2.0.3', bundles);
}

export function readOfficialJson(path: string): unknown {
  return JSON.parse(readFileSync(`${officialDir}${path}`, 'utf8'));
}

/** MedCom's TouchStone acknowledgement fixtures (Binary-Ack-*: ok, transient-error, fatal-error). */
export function acknowledgementTestScriptFixtures(): MedcomExample[] {
  return examples('official/acknowledgement-testscripts', (file) => file.startsWith('Binary-Ack-'));
}

/** MedCom's TouchStone TestScripts for acknowledgements, parsed. */
export function acknowledgementTestScripts(): Array<{ name: string; script: unknown }> {
  return examples('official/acknowledgement-testscripts', (file) => file.startsWith('TestScript-')).map((example) => ({
    name: example.name,
    script: JSON.parse(example.text),
  }));
}
