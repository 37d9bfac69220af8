import type { DirectoryImportReport } from '../../schemas/directory.ts';
import { html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

export interface ImportView {
  csv: string;
  deactivateMissing: boolean;
  report?: DirectoryImportReport;
  problem?: string;
}

function missingOf(context: PageContext, report: DirectoryImportReport): HtmlValue {
  const { t } = context;
  const missing = report.deactivatedMissing;
  if (!missing) return null;
  const title = report.dryRun ? t.importMissingTitle(missing.length) : t.importMissingDone(missing.length);
  return html`<h3 id="import-missing-heading">${title}</h3>
    ${
      missing.length > 0
        ? html`<ul aria-labelledby="import-missing-heading" class="import-missing">
            ${missing.map(
              (mailbox) =>
                html`<li>
                  <a href="/console/mailboxes/${mailbox.sorId}">${mailbox.name}</a> <small>SOR ${mailbox.sorId}</small>
                </li>`,
            )}
          </ul>`
        : null
    }`;
}

function reportOf(context: PageContext, report: DirectoryImportReport): HtmlValue {
  const { t } = context;
  return html`<p>${t.importCounts(report.created, report.updated, report.deactivated, report.unchanged)}</p>
    ${missingOf(context, report)}
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
      <form method="post" action="/console/directory/import" enctype="multipart/form-data">
        ${csrfField(context)}
        <label for="import-file">${t.importFile}</label>
        <input type="file" id="import-file" name="csvFile" accept=".csv,text/csv" aria-describedby="import-file-hint" />
        <small id="import-file-hint">${t.importFileHint}</small>
        <label for="import-csv">${t.importCsv}</label>
        <textarea id="import-csv" name="csv" rows="8" spellcheck="false">${view.csv}</textarea>
        <label for="import-deactivate-missing">
          <input
            type="checkbox"
            id="import-deactivate-missing"
            name="deactivateMissing"
            value="1"
            aria-describedby="import-deactivate-missing-hint"
            ${view.deactivateMissing ? html`checked` : null}
          />
          ${t.importDeactivateMissing}
        </label>
        <small id="import-deactivate-missing-hint">${t.importDeactivateMissingHint}</small>
        <div class="actions">
          <button type="submit" class="${preview ? 'secondary' : ''}">${t.importPreview}</button>
          ${preview ? html`<button type="submit" name="apply" value="1">${t.importApply}</button>` : null}
        </div>
      </form>`,
  });
}
