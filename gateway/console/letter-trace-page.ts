import type { LetterStory, LetterTrace } from '../audit/letter-trace.ts';
import { instant } from './format.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import { renderPage, type PageContext } from './layout.ts';

/** One step of the timeline: an audit event or a delivery attempt, in time order. */
interface Step {
  at: string;
  what: Html;
  who: string;
  kind: string;
}

const mailboxLink = (ref: { sorId: string; name: string | null }) =>
  html`<a href="/console/mailboxes/${ref.sorId}">${ref.name ?? ref.sorId}</a>`;
const letterLink = (id: string) => html`<a href="/console/letters/${id}">${id}</a>`;

function steps(context: PageContext, story: LetterStory): Step[] {
  const { t } = context;
  const events: Step[] = story.events.map((event) => ({
    at: event.at,
    what: html`<code>${event.action}</code>`,
    who: event.actor.name ?? t.unknownActor,
    kind: event.action,
  }));
  const attempts: Step[] = story.deliveryAttempts.map((attempt) => ({
    at: attempt.at,
    what: html`${t.traceAttempt(attempt.attempt, attempt.outcome)}
    ${attempt.failure ? html`<small>${attempt.failure}</small>` : null}
    ${attempt.httpStatus ? html`<small>HTTP ${attempt.httpStatus}, ${attempt.durationMs} ms</small>` : null}`,
    // The trace names no endpoint (operator data); the attempt was the sector adapter's.
    who: t.traceAdapter,
    kind: `attempt-${attempt.outcome}`,
  }));
  return [...events, ...attempts].sort((a, b) => a.at.localeCompare(b.at));
}

function timeline(context: PageContext, story: LetterStory): Html {
  return html`<ol class="timeline">
    ${steps(context, story).map(
      (step) =>
        html`<li class="step step-${step.kind}">
          ${instant(context.language, step.at)} <strong>${step.what}</strong> <span class="who">${step.who}</span>
        </li>`,
    )}
  </ol>`;
}

function summary(context: PageContext, story: LetterStory): Html {
  const { t } = context;
  const { letter } = story;
  const row = (label: string, value: HtmlValue) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${value}</td>
    </tr>`;
  return html`<table>
    <tbody>
      ${row(t.traceStatus, html`<strong>${letter.status}</strong>`)} ${row(t.traceSender, mailboxLink(letter.sender))}
      ${row(t.traceRecipient, mailboxLink(letter.recipient))}
      ${row(t.traceSubmittedBy, letter.submittedBy.name ?? letter.submittedBy.clientId)}
      ${letter.reroutedFrom ? row(t.traceReroutedFrom, letterLink(letter.reroutedFrom)) : null}
      ${letter.reroutedTo.length ? row(t.traceReroutedTo, letter.reroutedTo.map(letterLink)) : null}
    </tbody>
  </table>`;
}

export function renderLetterTracePage(context: PageContext, trace: LetterTrace): string {
  const { t } = context;
  return renderPage(context, {
    title: t.traceLetter(trace.letter.id),
    body: html`<h1>${t.traceTitle}</h1>
      <p><code>${trace.letter.id}</code></p>
      ${summary(context, trace)}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">${t.traceTimeline}</h2>
        ${timeline(context, trace)}
      </section>
      ${trace.reroutes.to.map(
        (next) =>
          html`<section>
            <h2>${t.traceReroutedTo} ${letterLink(next.letter.id)}</h2>
            ${timeline(context, next)}
          </section>`,
      )}`,
  });
}
