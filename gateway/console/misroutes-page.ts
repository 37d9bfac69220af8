import type { misrouteReport } from '../audit/misroute-report.ts';
import { markedName } from './format.ts';
import { html, type Html } from './html.ts';
import { renderPage, type PageContext } from './layout.ts';

export type MisrouteReport = Awaited<ReturnType<typeof misrouteReport>>;

interface Bar {
  label: Html | string;
  count: number;
}

/** ISO 8601 year and week of a time (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(iso: string): { year: number; week: number } {
  const day = new Date(iso);
  const date = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return { year: date.getUTCFullYear(), week: Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

/** A bar chart as server-rendered SVG (no script, no inline style), with the numbers as text beside it. */
function barChart(context: PageContext, title: string, bars: Bar[]): Html {
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  return html`<figure>
    <table class="bar-chart">
      <caption>
        ${title}
      </caption>
      <tbody>
        ${bars.map(
          (bar) =>
            html`<tr>
              <th scope="row">${bar.label}</th>
              <td>
                <svg width="200" height="16" viewBox="0 0 200 16" aria-hidden="true" focusable="false">
                  <rect
                    class="bar"
                    x="0"
                    y="2"
                    height="12"
                    width="${Math.max(2, Math.round((bar.count / max) * 200))}"
                  />
                </svg>
                ${context.t.chartLetters(bar.count)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </figure>`;
}

function byWeek(report: MisrouteReport): { year: number; week: number; count: number }[] {
  const counts = new Map<string, { year: number; week: number; count: number }>();
  for (const letter of report.groups.flatMap((group) => group.letters)) {
    const { year, week } = isoWeek(letter.reportedAt);
    const key = `${year}-${String(week).padStart(2, '0')}`;
    const entry = counts.get(key) ?? { year, week, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry);
}

function lookAlikeTable(context: PageContext, report: MisrouteReport): Html {
  const { t } = context;
  return html`<div class="overflow-auto">
    <table>
      <thead>
        <tr>
          <th scope="col">${t.traceRecipient}</th>
          <th scope="col">${t.colLookAlikes}</th>
        </tr>
      </thead>
      <tbody>
        ${report.recipients.map(
          (recipient) =>
            html`<tr>
              <td>
                <a href="/console/mailboxes/${recipient.sorId}">${recipient.name ?? recipient.sorId}</a>
                (${t.chartLetters(recipient.misroutedLetters)})
              </td>
              <td>
                ${
                  recipient.lookAlikes.length === 0
                    ? t.none
                    : html`<ul>
                        ${recipient.lookAlikes.map(
                          (alike) =>
                            html`<li>
                              <a href="/console/mailboxes/${alike.sorId}"
                                >${markedName(alike.name, recipient.name ?? '')}</a
                              >
                              <small
                                >${t.similarity(Math.round(alike.similarity * 100))},
                                ${t.intendedInstead(alike.intendedInstead)}</small
                              >
                            </li>`,
                        )}
                      </ul>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function renderMisroutesPage(context: PageContext, report: MisrouteReport): string {
  const { t } = context;
  const recipients = report.recipients.map((recipient) => ({
    label: recipient.name ?? recipient.sorId,
    count: recipient.misroutedLetters,
  }));
  const weeks = byWeek(report).map((entry) => ({ label: t.week(entry.year, entry.week), count: entry.count }));
  return renderPage(context, {
    title: t.misroutesTitle,
    body: html`<h1>${t.misroutesTitle}</h1>
      <p>${t.misroutesIntro}</p>
      <p><strong>${t.misroutesTotal(report.misroutedLetters)}</strong></p>
      <div class="grid">${barChart(context, t.byRecipient, recipients)} ${barChart(context, t.byWeek, weeks)}</div>
      <section aria-labelledby="look-alikes-heading">
        <h2 id="look-alikes-heading">${t.lookAlikesTitle}</h2>
        ${lookAlikeTable(context, report)}
      </section>`,
  });
}
