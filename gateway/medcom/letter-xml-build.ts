import { checkBuiltLetterXml } from './letter-xml-check.ts';
import { buildLetterXml, type LetterDraft } from './letter-xml.ts';

/** What a letter-XML thread is sent, and what it answers (letter-xml-threads.ts). */
export interface LetterXmlTask {
  id: number;
  draft: LetterDraft;
}
export type LetterXmlAnswer =
  { id: number; built: BuiltLetterXml } | { id: number; thrown: { name: string; message: string } };

/** A letter's MedCom XML as built from its draft, or why it does not make a valid CareCommunication. */
export type BuiltLetterXml = { ok: true; template: string } | { ok: false; errors: string[] };

/**
 * Builds a letter's XML and checks it as DESIGN.md step 5 asks: parsed back (fast-xml-parser) and
 * validated against the format's schema. What a letter-XML thread runs for each letter, and what
 * runs in the request's own thread when there is none.
 */
export function buildAndCheckLetterXml(draft: LetterDraft): BuiltLetterXml {
  const template = buildLetterXml(draft);
  const check = checkBuiltLetterXml(template);
  return check.ok ? { ok: true, template } : { ok: false, errors: check.errors };
}

/**
 * A thread's answer to one task: the XML, the check's errors, or what the build threw (its name
 * and message only: they name fields, never their values).
 */
export function answerLetterXmlTask({ id, draft }: LetterXmlTask): LetterXmlAnswer {
  try {
    return { id, built: buildAndCheckLetterXml(draft) };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { id, thrown: { name, message } };
  }
}
