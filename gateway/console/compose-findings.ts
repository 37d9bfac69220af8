import type { ProblemError } from '../platform/problem.ts';
import type { FindingWords } from './compose-texts.ts';
import { markedName } from './format.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import type { Texts } from './texts.ts';

/** What the page knows beyond the API's answer: the names the person chose, to say it in their words. */
export interface FindingScene {
  recipientName: string;
  senderName?: string | undefined;
  /** The names of the files in the order they were sent. */
  fileNames: readonly string[];
}

interface Lookalike {
  sorId: string;
  name: string;
  similarity: number;
}

type Detailed = { code: string; details?: Record<string, unknown> };

const sentence = (t: Texts, prefix: 'finding' | 'warning', code: string) =>
  (t as unknown as Record<string, ((w: FindingWords) => string) | undefined>)[`${prefix}_${code}`];

const fieldNames = (t: Texts): Record<string, string> => ({
  '/patient/cpr': t.composeCpr,
  '/patient/name': `${t.composeGiven} / ${t.composeFamily}`,
  '/patient/name/given': t.composeGiven,
  '/patient/name/family': t.composeFamily,
  '/patient/municipalityCode': t.composeMunicipality,
  '/category': t.composeCategory,
  '/topic': t.composeTopic,
  '/text': t.composeText,
  '/author/name': t.composeAuthorName,
  '/author/role': t.composeAuthorRole,
  '/author/phone': t.composeAuthorPhone,
  '/recipient/sorId': t.composeRecipientStep,
  '/sender/sorId': t.composeSender,
});

function wordsOf(scene: FindingScene, finding: Detailed, extra: Record<string, unknown>): FindingWords {
  const details = finding.details ?? {};
  const successor = details.successor as { sorId: string; name?: string } | null | undefined;
  const position = typeof extra.position === 'number' ? extra.position : undefined;
  return {
    recipient: scene.recipientName,
    ...(scene.senderName ? { sender: scene.senderName } : {}),
    ...(successor ? { successor: successor.name ?? `SOR ${successor.sorId}` } : {}),
    ...(position !== undefined && scene.fileNames[position] ? { file: scene.fileNames[position] } : {}),
    ...(typeof details.patientMunicipalityCode === 'string'
      ? { patientMunicipality: details.patientMunicipalityCode }
      : {}),
    ...(typeof details.recipientMunicipalityCode === 'string'
      ? { recipientMunicipality: details.recipientMunicipalityCode }
      : {}),
  };
}

/** The schema's complaints as the form's field names; a complaint about a file's type names the file. */
function fieldFindings(t: Texts, scene: FindingScene, problem: ProblemError): string[] {
  const errors = (problem.extra.errors as Array<{ path: string }> | undefined) ?? [];
  const names = fieldNames(t);
  const said = new Set<string>();
  for (const { path } of errors) {
    const file = /^\/attachments\/(\d+)\/contentType$/.exec(path);
    if (file) {
      said.add(
        t['finding_attachment-type-not-allowed']({ recipient: '', file: scene.fileNames[Number(file[1])] ?? '' }),
      );
      continue;
    }
    const field = names[path] ?? Object.entries(names).find(([prefix]) => path.startsWith(`${prefix}/`))?.[1];
    said.add(`${t['finding_field-invalid']()} ${field ?? path}`);
  }
  return [...said];
}

/** Every blocking finding of a refusal in plain words; a code the console has no words for shows the API's detail. */
export function blockingSentences(t: Texts, scene: FindingScene, problem: ProblemError): string[] {
  if (problem.code === 'validation-failed') return fieldFindings(t, scene, problem);
  const listed = (problem.extra.blocking as Detailed[] | undefined) ?? [{ code: problem.code, details: problem.extra }];
  return listed.map(
    (finding) =>
      sentence(t, 'finding', finding.code)?.(wordsOf(scene, finding, problem.extra)) ?? problem.detail ?? problem.title,
  );
}

export function renderBlocking(t: Texts, scene: FindingScene, problem: ProblemError): Html {
  return html`<div class="problem" role="alert" tabindex="-1" id="compose-refusal">
    <p><strong>${t.composeRefused}</strong></p>
    <ul>
      ${blockingSentences(t, scene, problem).map((words) => html`<li>${words}</li>`)}
    </ul>
  </div>`;
}

export const warningsOf = (problem: ProblemError): Detailed[] =>
  (problem.extra.warnings as Detailed[] | undefined) ?? [];

/** The chosen mailbox beside each look-alike, the words that tell them apart marked (as on the mailbox page). */
function sideBySide(t: Texts, recipientName: string, warnings: Detailed[]): HtmlValue {
  const confusable = warnings.find((warning) => warning.code === 'confusable-name');
  const lookalikes = (confusable?.details?.lookalikes as Lookalike[] | undefined) ?? [];
  const chosen = (confusable?.details?.name as string | undefined) ?? recipientName;
  if (lookalikes.length === 0) return null;
  return html`<div class="overflow-auto">
    <table class="side-by-side">
      <thead>
        <tr>
          <th scope="col">${t.warningChosen}</th>
          <th scope="col">${t.warningLookAlike}</th>
          <th scope="col">${t.colSimilarity}</th>
        </tr>
      </thead>
      <tbody>
        ${lookalikes.map(
          (alike) =>
            html`<tr>
              <td>${markedName(chosen, alike.name)}</td>
              <td>${markedName(alike.name, chosen)}<br /><small>SOR ${alike.sorId}</small></td>
              <td>${t.similarity(Math.round(alike.similarity * 100))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * The warnings as the script shows them: a modal dialog with the look-alikes side by side.
 * "Send anyway" sends the same letter again with the warnings' codes as acknowledged.
 */
export function renderWarningDialog(t: Texts, scene: FindingScene, problem: ProblemError): Html {
  const warnings = warningsOf(problem);
  return html`<dialog id="compose-warnings" class="compose-warnings" aria-labelledby="compose-warnings-title">
    <article>
      <h2 id="compose-warnings-title">${t.warningTitle}</h2>
      <p>${t.warningIntro}</p>
      <ul>
        ${warnings.map((w) => html`<li>${sentence(t, 'warning', w.code)?.(wordsOf(scene, w, problem.extra)) ?? w.code}</li>`)}
      </ul>
      ${sideBySide(t, scene.recipientName, warnings)}
      <footer>
        <button type="button" class="secondary" data-warnings-cancel>${t.warningCancel}</button>
        <button type="button" data-warnings-confirm data-codes="${warnings.map((w) => w.code).join(' ')}">
          ${t.warningSendAnyway}
        </button>
      </footer>
    </article>
  </dialog>`;
}

/**
 * The same warnings inside the form, for a browser without the script: each one is confirmed by
 * its own checkbox (required, so the form is not sent unconfirmed), and the files are chosen again.
 */
export function renderWarningsInForm(t: Texts, scene: FindingScene, problem: ProblemError): Html {
  const warnings = warningsOf(problem);
  return html`<section class="compose-warnings" role="alert" aria-labelledby="compose-warnings-heading">
    <h3 id="compose-warnings-heading">${t.warningTitle}</h3>
    <p>${t.warningIntro}</p>
    ${sideBySide(t, scene.recipientName, warnings)}
    ${warnings.map(
      (w, i) =>
        html`<label for="acknowledge-${i}"
          ><input type="checkbox" id="acknowledge-${i}" name="acknowledgedWarnings" value="${w.code}" required />
          ${sentence(t, 'warning', w.code)?.(wordsOf(scene, w, problem.extra)) ?? w.code}</label
        >`,
    )}
    <p><small>${t.warningAcknowledge}. ${scene.fileNames.length > 0 ? t.composeFilesAgain : ''}</small></p>
  </section>`;
}
