import type { MailboxHistoryEntry } from '../../routing/mailbox-history.ts';
import type { Mailbox } from '../../schemas/mailbox.ts';
import { changedFields } from '../directory/mailbox-admin.ts';
import { instant, markedName, orNone, sectorName, stateBadge } from './format.ts';
import { html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';
import type { MailboxOverview } from './mailbox-overview.ts';
import { fieldLabel, type Texts } from './texts.ts';

export interface MailboxPageView {
  overview: MailboxOverview;
  notice?: string;
  /** A refused deactivation, shown at its form. */
  deactivateProblem?: string;
}

const isAdmin = (context: PageContext) => context.client?.roles.includes('admin') === true;

export function breadcrumbs(context: PageContext, ancestry: Array<{ sorId: string; name: string }>): HtmlValue {
  const { t } = context;
  const levels = ancestry.map((level, i) =>
    i === ancestry.length - 1
      ? html`<li><span aria-current="page">${level.name}</span></li>`
      : html`<li><a href="/console/mailboxes/${level.sorId}">${level.name}</a></li>`,
  );
  return html`<nav aria-label="${t.breadcrumbs}">
    <ul>
      <li><a href="/console/directory">${t.navDirectory}</a></li>
      ${levels}
    </ul>
  </nav>`;
}

function details(context: PageContext, overview: MailboxOverview): HtmlValue {
  const { t, language } = context;
  const { mailbox } = overview;
  const row = (label: string, value: HtmlValue) =>
    html`<dt>${label}</dt>
      <dd>${value}</dd>`;
  const link = (sorId: string | null) =>
    sorId ? html`<a href="/console/mailboxes/${sorId}">${sorId}</a>` : html`${t.none}`;
  return html`<section aria-labelledby="details-heading">
    <h2 id="details-heading">${t.mailboxDetails}</h2>
    <dl class="details">
      ${row(t.field_sorId, mailbox.sorId)} ${row(t.field_ean, orNone(t, mailbox.ean))}
      ${row(t.field_deliveryEan, orNone(t, overview.deliveryEan))} ${row(t.field_sector, sectorName(t, mailbox.sector))}
      ${row(t.field_kind, t[`kind_${mailbox.kind}`])} ${row(t.field_displayName, orNone(t, mailbox.displayName))}
      ${row(t.field_municipalityCode, orNone(t, mailbox.municipalityCode))}
      ${row(t.field_regionCode, orNone(t, mailbox.regionCode))} ${row(t.field_unitType, orNone(t, mailbox.unitType))}
      ${row(t.field_address, orNone(t, mailbox.address))}
      ${row(t.field_accepts, mailbox.accepts.length ? mailbox.accepts.join(', ') : t.none)}
      ${row(t.field_endpoint, orNone(t, mailbox.endpoint))} ${row(t.field_validFrom, orNone(t, mailbox.validFrom))}
      ${row(t.field_validTo, orNone(t, mailbox.validTo))} ${row(t.field_successorSorId, link(mailbox.successorSorId))}
      ${row(t.field_version, mailbox.version)} ${row(t.field_updatedAt, instant(language, mailbox.updatedAt))}
    </dl>
  </section>`;
}

function lookAlikes(context: PageContext, overview: MailboxOverview): HtmlValue {
  const { t } = context;
  const name = overview.mailbox.name;
  const rows = overview.lookAlikes.map(
    (alike) =>
      html`<tr>
        <td>${markedName(name, alike.mailbox.name)}</td>
        <td>
          <a href="/console/mailboxes/${alike.mailbox.sorId}">${markedName(alike.mailbox.name, name)}</a><br /><small
            >SOR ${alike.mailbox.sorId}</small
          >
          ${stateBadge(t, alike.state)}
        </td>
        <td>${t.similarity(Math.round(alike.similarity * 100))}</td>
      </tr>`,
  );
  return html`<section aria-labelledby="look-alikes-heading" class="look-alikes">
    <h2 id="look-alikes-heading">${t.lookAlikesTitle}</h2>
    ${
      rows.length === 0
        ? html`<p>${t.noLookAlikes}</p>`
        : html`<p>${t.lookAlikesIntro}</p>
            <div class="overflow-auto">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t.thisMailbox}</th>
                    <th scope="col">${t.lookAlike}</th>
                    <th scope="col">${t.colSimilarity}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>`
    }
  </section>`;
}

const shown = (t: Texts, value: unknown) =>
  value === null || value === undefined || value === ''
    ? t.none
    : Array.isArray(value)
      ? value.join(', ')
      : String(value);

function historyChanges(t: Texts, entry: MailboxHistoryEntry): HtmlValue {
  if (!entry.before) return t.none;
  const changes = Object.entries(changedFields(entry.before as Mailbox, entry.after as Mailbox));
  if (changes.length === 0) return t.none;
  return html`<ul>
    ${changes.map(
      ([field, change]) =>
        html`<li>
          ${fieldLabel(t, field)}: <del>${shown(t, change.before)}</del> → <ins>${shown(t, change.after)}</ins>
        </li>`,
    )}
  </ul>`;
}

export function historyTable(context: PageContext, entries: MailboxHistoryEntry[]): HtmlValue {
  const { t, language } = context;
  if (entries.length === 0) return html`<p>${t.historyEmpty}</p>`;
  const rows = [...entries].reverse().map(
    (entry) =>
      html`<tr>
        <td>${entry.version}</td>
        <td>${t[`change_${entry.change}`]}</td>
        <td>${instant(language, entry.changedAt)}</td>
        <td>${entry.changedBy.name ?? t.unknownActor}</td>
        <td>${historyChanges(t, entry)}</td>
      </tr>`,
  );
  return html`<div class="overflow-auto">
    <table class="history">
      <thead>
        <tr>
          <th scope="col">${t.colVersion}</th>
          <th scope="col">${t.colChange}</th>
          <th scope="col">${t.colWhen}</th>
          <th scope="col">${t.colWho}</th>
          <th scope="col">${t.colWhat}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function deactivateForm(context: PageContext, view: MailboxPageView): HtmlValue {
  const { t } = context;
  const { mailbox, state } = view.overview;
  if (!isAdmin(context) || state === 'deactivated') return null;
  return html`<section aria-labelledby="deactivate-heading">
    <h2 id="deactivate-heading">${t.deactivateTitle}</h2>
    <p>${t.deactivateIntro}</p>
    ${view.deactivateProblem ? html`<p class="problem" role="alert">${view.deactivateProblem}</p>` : null}
    <form
      method="post"
      action="/console/mailboxes/${mailbox.sorId}/deactivate"
      data-confirm="${t.deactivateConfirm}"
      data-confirm-ok="${t.deactivateButton}"
      data-confirm-cancel="${t.cancel}"
    >
      ${csrfField(context)}<input type="hidden" name="version" value="${mailbox.version}" />
      <label for="successor">${t.field_successorSorId}</label>
      <input
        type="text"
        id="successor"
        name="successorSorId"
        inputmode="numeric"
        pattern="[0-9]{11,20}"
        aria-describedby="successor-hint"
        value="${mailbox.successorSorId ?? ''}"
      />
      <small id="successor-hint">${t.successorHint}</small>
      <label for="last-day">${t.lastDayLabel}</label>
      <input type="date" id="last-day" name="validTo" />
      <button type="submit" class="secondary">${t.deactivateButton}</button>
    </form>
  </section>`;
}

export function renderMailboxPage(context: PageContext, view: MailboxPageView): string {
  const { t } = context;
  const { mailbox } = view.overview;
  return renderPage(context, {
    title: mailbox.name,
    ...(view.notice ? { notice: view.notice } : {}),
    body: html`${breadcrumbs(context, view.overview.ancestry)}
      <h1>${mailbox.name} ${stateBadge(t, view.overview.state)}</h1>
      ${
        isAdmin(context)
          ? html`<p><a href="/console/mailboxes/${mailbox.sorId}/edit" role="button">${t.editMailbox}</a></p>`
          : null
      }
      ${details(context, view.overview)} ${lookAlikes(context, view.overview)}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">${t.historyTitle}</h2>
        ${historyTable(context, view.overview.history)}
      </section>
      ${deactivateForm(context, view)}`,
  });
}
