import type { MailboxSearchHit } from '../../schemas/directory.ts';
import { sectors } from '../../schemas/categories.ts';
import { sectorName, stateBadge, orNone } from './format.ts';
import { html, type HtmlValue } from './html.ts';
import { renderPage, type PageContext } from './layout.ts';

export interface DirectorySearchView {
  q: string;
  sector: string;
  hits: MailboxSearchHit[];
  total: number;
  page: number;
  pageSize: number;
}

function pageLink(view: DirectorySearchView, page: number): string {
  const query = new URLSearchParams();
  if (view.q) query.set('q', view.q);
  if (view.sector) query.set('sector', view.sector);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return `/console/directory${text ? `?${text}` : ''}`;
}

function pagination(context: PageContext, view: DirectorySearchView): HtmlValue {
  const pages = Math.ceil(view.total / view.pageSize);
  if (pages <= 1) return null;
  const { t } = context;
  return html`<nav aria-label="${t.pagination}" class="pagination">
    <ul>
      <li>
        ${view.page > 1 ? html`<a href="${pageLink(view, view.page - 1)}" rel="prev">${t.previousPage}</a>` : null}
      </li>
      <li>${t.pageOf(view.page, pages)}</li>
      <li>
        ${view.page < pages ? html`<a href="${pageLink(view, view.page + 1)}" rel="next">${t.nextPage}</a>` : null}
      </li>
    </ul>
  </nav>`;
}

function results(context: PageContext, view: DirectorySearchView): HtmlValue {
  const { t } = context;
  if (view.hits.length === 0) return html`<p role="status">${t.noResults}</p>`;
  const rows = view.hits.map(
    (hit) =>
      html`<tr>
        <td>
          <a href="/console/mailboxes/${hit.sorId}">${hit.displayName ?? hit.name}</a><br /><small
            >SOR ${hit.sorId}</small
          >
        </td>
        <td class="path">${hit.path.slice(0, -1).join(' › ') || t.none}</td>
        <td>${sectorName(t, hit.sector)}</td>
        <td>${orNone(t, hit.ean)}</td>
        <td>${stateBadge(t, hit.state)}</td>
      </tr>`,
  );
  return html`<p role="status">${t.resultCount(view.total)}</p>
    <div class="overflow-auto">
      <table class="striped">
        <caption class="visually-hidden">
          ${t.searchResults}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t.colName}</th>
            <th scope="col">${t.colPath}</th>
            <th scope="col">${t.colSector}</th>
            <th scope="col">${t.colEan}</th>
            <th scope="col">${t.colState}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    ${pagination(context, view)}`;
}

export function renderDirectoryPage(context: PageContext, view: DirectorySearchView): string {
  const { t } = context;
  const sectorOptions = sectors.map(
    (sector) =>
      html`<option value="${sector}" ${view.sector === sector ? html`selected` : null}>
        ${sectorName(t, sector)}
      </option>`,
  );
  return renderPage(context, {
    title: view.q ? `${view.q} · ${t.directoryTitle}` : t.directoryTitle,
    body: html`<h1>${t.directoryTitle}</h1>
      <p>${t.directoryIntro}</p>
      <form method="get" action="/console/directory" role="search" class="directory-search">
        <label for="q">${t.searchLabel}</label>
        <div class="search-row">
          <input type="search" id="q" name="q" value="${view.q}" maxlength="200" autocomplete="off" />
          <select name="sector" aria-label="${t.field_sector}">
            <option value="">${t.allSectors}</option>
            ${sectorOptions}
          </select>
          <button type="submit">${t.searchButton}</button>
        </div>
      </form>
      ${results(context, view)}`,
  });
}
