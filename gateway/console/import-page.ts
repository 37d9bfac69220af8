import type { DirectoryImportReport } from '../../schemas/directory.ts';
import { html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

export interface ImportView {
  csv: string;
  report?: DirectoryImportReport;
  problem?: string;
}

function reportOf(context: PageContext, report: DirectoryImportReport): HtmlValue {
  const { t } = context;
  return html`<p>${t.importCounts(report.created, report.updated, report.deactivated, report.unchanged)}</p>
    ${
      report.rejected.length
        ? html`<h3>${t.importRefused(report.rejected.length)}</h3>
            <table class="import-refused">
              <thead>
                <tr>
                  <th scope="col">${t.colLine}</th>
                  <th scope="col">${t.field_sorId}</th>
                  <th scope="col">${t.colReason}</th>
                </tr>
              </thead>
              <tbody>
                ${report.rejected.map(
                  (row) =>
                    html`<tr>
                      <td>${row.line}</td>
                      <td>${row.sorId ?? t.none}</td>
                      <td>${row.reason}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : null
    }`;
}

export function renderImportPage(context: PageContext, view: ImportView): string {
  const { t } = context;
  const { report } = view;
  const preview = report?.dryRun;
  return renderPage(context, {
    title: t.importTitle,
    ...(report && !report.dryRun ? { notice: t.importDone } : {}),
    body: html`<h1>${t.importTitle}</h1>
      <p>${t.importIntro}</p>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : null}
      ${
        report
          ? html`<section aria-labelledby="import-report-heading" class="import-report">
              <h2 id="import-report-heading">${preview ? t.importPreviewTitle : t.importDone}</h2>
              ${reportOf(context, report)}
            </section>`
          : null
      }
      <form method="post" action="/console/directory/import">
        ${csrfField(context)}
        <label for="import-csv">${t.importCsv}</label>
        <textarea id="import-csv" name="csv" rows="8" required spellcheck="false">${view.csv}</textarea>
        <div class="actions">
          <button type="submit" class="${preview ? 'secondary' : ''}">${t.importPreview}</button>
          ${preview ? html`<button type="submit" name="apply" value="1">${t.importApply}</button>` : null}
        </div>
      </form>`,
  });
}
