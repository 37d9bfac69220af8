import type { PresentedAuditEvent } from '../../schemas/audit.ts';
import { instant } from './format.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

/** What the auditor typed; the CPR is never written back into the page. */
export interface AuditSearchForm {
  letterId: string;
  sorId: string;
  from: string;
  to: string;
}

export interface AuditSearchView {
  form: AuditSearchForm;
  problem?: string;
  result?: { events: PresentedAuditEvent[]; more: boolean; maskedCpr?: string };
}

function field(id: string, name: string, label: string, value: string, type = 'text', hint?: Html): Html {
  return html`<label for="${id}">${label}</label>
    <input type="${type}" id="${id}" name="${name}" value="${value}" autocomplete="off" />${hint ?? null}`;
}

function searchForm(context: PageContext, form: AuditSearchForm): Html {
  const { t } = context;
  return html`<form method="post" action="/console/audit" class="audit-search">
    ${csrfField(context)}
    <div class="grid">
      <div>${field('letter-id', 'letterId', t.field_letterId, form.letterId)}</div>
      <div>${field('sor-id', 'sorId', t.field_sorIdFilter, form.sorId)}</div>
    </div>
    <label for="cpr">${t.field_cpr}</label>
    <input type="password" id="cpr" name="cpr" inputmode="numeric" autocomplete="off" aria-describedby="cpr-hint" />
    <small id="cpr-hint">${t.cprHint}</small>
    <div class="grid">
      <div>${field('from', 'from', t.field_from, form.from, 'date')}</div>
      <div>${field('to', 'to', t.field_to, form.to, 'date')}</div>
    </div>
    <div class="actions">
      <button type="submit">${t.searchEvents}</button>
      <button type="submit" formaction="/console/audit/events.csv" class="secondary">${t.downloadCsv}</button>
    </div>
  </form>`;
}

function eventsTable(context: PageContext, events: PresentedAuditEvent[]): HtmlValue {
  const { t, language } = context;
  if (events.length === 0) return html`<p>${t.noEvents}</p>`;
  return html`<div class="overflow-auto">
    <table>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">${t.colWhen}</th>
          <th scope="col">${t.colAction}</th>
          <th scope="col">${t.colWho}</th>
          <th scope="col">${t.colLetter}</th>
          <th scope="col">${t.colSor}</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (event) =>
            html`<tr>
              <td>${event.seq}</td>
              <td>${instant(language, event.at)}</td>
              <td><code>${event.action}</code></td>
              <td>${event.actor.name ?? t.unknownActor}</td>
              <td>
                ${event.letterId ? html`<a href="/console/letters/${event.letterId}">${event.letterId}</a>` : t.none}
              </td>
              <td>${event.sorId ? html`<a href="/console/mailboxes/${event.sorId}">${event.sorId}</a>` : t.none}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function renderAuditSearchPage(context: PageContext, view: AuditSearchView): string {
  const { t } = context;
  const result = view.result;
  return renderPage(context, {
    title: t.auditTitle,
    body: html`<h1>${t.auditTitle}</h1>
      <p>${t.auditIntro}</p>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : null}
      ${searchForm(context, view.form)}
      ${
        result
          ? html`<section aria-labelledby="events-heading">
              <h2 id="events-heading">${t.eventsFound(result.events.length, result.more)}</h2>
              ${result.maskedCpr ? html`<p>${t.searchedCpr(result.maskedCpr)}</p>` : null}
              ${eventsTable(context, result.events)}
            </section>`
          : null
      }`,
  });
}
