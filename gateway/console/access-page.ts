import type { AccessEventsAnswer } from '../../schemas/access-events.ts';
import { instant } from './format.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

/** What the auditor typed into the access search; the CPR is never written back into the page. */
export interface AccessSearchForm {
  letterId: string;
  from: string;
  to: string;
}

export interface AccessSearchView {
  form: AccessSearchForm;
  problem?: string;
  result?: { items: AccessEventsAnswer['items']; maskedCpr?: string };
}

function field(id: string, label: string, value: string, type = 'text'): Html {
  return html`<label for="access-${id}">${label}</label>
    <input type="${type}" id="access-${id}" name="${id}" value="${value}" autocomplete="off" />`;
}

function searchForm(context: PageContext, form: AccessSearchForm): Html {
  const { t } = context;
  return html`<form method="post" action="/console/access" class="access-search">
    ${csrfField(context)}
    <label for="access-cpr">${t.field_cpr}</label>
    <input
      type="password"
      id="access-cpr"
      name="cpr"
      inputmode="numeric"
      autocomplete="off"
      aria-describedby="access-cpr-hint"
    />
    <small id="access-cpr-hint">${t.cprHint}</small>
    ${field('letterId', t.field_letterId, form.letterId)}
    <div class="grid">
      <div>${field('from', t.field_from, form.from, 'date')}</div>
      <div>${field('to', t.field_to, form.to, 'date')}</div>
    </div>
    <button type="submit">${t.searchAccess}</button>
  </form>`;
}

function readsTable(context: PageContext, items: AccessEventsAnswer['items']): HtmlValue {
  const { t, language } = context;
  if (items.length === 0) return html`<p>${t.noAccess}</p>`;
  return html`<div class="overflow-auto">
    <table class="access-log">
      <thead>
        <tr>
          <th scope="col">${t.colWhen}</th>
          <th scope="col">${t.colWho}</th>
          <th scope="col">${t.colAction}</th>
          <th scope="col">${t.colLetter}</th>
          <th scope="col">${t.colPatient}</th>
          <th scope="col">${t.colFrom}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (item) =>
            html`<tr>
              <td>${instant(language, item.at)}</td>
              <td>${item.clientName}</td>
              <td><code>${item.action}</code></td>
              <td>
                ${item.letterId ? html`<a href="/console/letters/${item.letterId}">${item.letterId}</a>` : t.none}
              </td>
              <td>
                ${item.cprHash ? html`<code title="${item.cprHash}">${item.cprHash.slice(0, 12)}…</code>` : t.none}
              </td>
              <td>${item.remoteAddress}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function renderAccessPage(context: PageContext, view: AccessSearchView): string {
  const { t } = context;
  const result = view.result;
  return renderPage(context, {
    title: t.accessTitle,
    body: html`<h1>${t.accessTitle}</h1>
      <p>${t.accessIntro}</p>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : null}
      ${searchForm(context, view.form)}
      ${
        result
          ? html`<section aria-labelledby="access-heading">
              <h2 id="access-heading">${t.accessFound(result.items.length)}</h2>
              ${result.maskedCpr ? html`<p>${t.searchedCpr(result.maskedCpr)}</p>` : null}
              ${readsTable(context, result.items)}
            </section>`
          : null
      }`,
  });
}
