import type { LetterStatus } from '../../schemas/categories.ts';
import type { LetterStatusResponse } from '../../schemas/letter-responses.ts';
import { instant } from './format.ts';
import { html, type Html } from './html.ts';
import { renderPage, type PageContext } from './layout.ts';
import type { Texts } from './texts.ts';

/** The way of a letter as its sender follows it; an end state other than acknowledged replaces the rest. */
const way: readonly LetterStatus[] = ['accepted', 'queued', 'delivered', 'acknowledged'];
const endStates: readonly LetterStatus[] = ['acknowledged', 'rejected', 'misrouted', 'failed'];

export const isFinalStatus = (status: LetterStatus): boolean => endStates.includes(status);

export const statusWords = (t: Texts, status: LetterStatus): string => t[`letter_${status}`];

/** What the status page's script reads while it polls. */
export function sentStatusJson(t: Texts, letter: LetterStatusResponse) {
  return {
    status: letter.status,
    words: statusWords(t, letter.status),
    final: isFinalStatus(letter.status),
    steps: stepsOf(letter.status).map((step) => ({ ...step, words: statusWords(t, step.status) })),
  };
}

function stepsOf(status: LetterStatus): Array<{ status: LetterStatus; state: 'done' | 'current' | 'todo' }> {
  const reached = way.indexOf(status);
  if (reached === -1) {
    // Refused, misrouted or failed: the letter went as far as it did and stopped there.
    return [
      { status: 'accepted', state: 'done' },
      { status, state: 'current' },
    ];
  }
  return way.map((step, i) => ({ status: step, state: i < reached ? 'done' : i === reached ? 'current' : 'todo' }));
}

export function renderSteps(t: Texts, status: LetterStatus): Html {
  return html`${stepsOf(status).map(
    (step) =>
      html`<li class="step-${step.state}" ${step.state === 'current' ? html`aria-current="step"` : null}>
        ${statusWords(t, step.status)}
      </li>`,
  )}`;
}

const kibibytes = (size: number) => `${Math.max(1, Math.round(size / 1024))} KiB`;

export function renderSentLetterPage(context: PageContext, letter: LetterStatusResponse): string {
  const { t, language } = context;
  const recipient = letter.recipient.name ?? `SOR ${letter.recipient.sorId}`;
  const final = isFinalStatus(letter.status);
  return renderPage(context, {
    title: t.sentTitle,
    body: html`<h1>${t.sentTitle}</h1>
      <p>${t.sentIntro(recipient)}</p>
      <section
        aria-labelledby="sent-steps-heading"
        id="letter-status"
        data-status-url="/console/sent/${letter.id}/status"
        data-final="${final ? 'true' : 'false'}"
      >
        <h2 id="sent-steps-heading">${t.sentSteps}</h2>
        <p class="letter-status-now" role="status" aria-live="polite">
          <strong id="letter-status-words" data-status="${letter.status}">${statusWords(t, letter.status)}</strong>
        </p>
        <ol class="letter-way" id="letter-way">
          ${renderSteps(t, letter.status)}
        </ol>
        <p>
          <a href="/console/sent/${letter.id}" id="letter-status-reload">${t.sentReload}</a>
          <small class="updating" hidden>${t.sentUpdating}</small>
        </p>
      </section>
      <section aria-labelledby="sent-attachments-heading">
        <h2 id="sent-attachments-heading">${t.sentAttachments}</h2>
        ${
          letter.attachments.length === 0
            ? html`<p>${t.sentNoAttachments}</p>`
            : html`<ul>
                ${letter.attachments.map((file) => html`<li>${file.title} <small>(${kibibytes(file.size)})</small></li>`)}
              </ul>`
        }
      </section>
      <dl class="details">
        <dt>${t.sentLetterId}</dt>
        <dd><code>${letter.id}</code></dd>
        <dt>${t.colWhen}</dt>
        <dd>${instant(language, letter.createdAt)}</dd>
      </dl>
      <p><a href="/console/compose">${t.sentWriteAnother}</a></p>
      <script src="/console/assets/sent-letter.js" defer></script>`,
  });
}
