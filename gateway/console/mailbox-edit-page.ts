import type { MailboxHistoryEntry } from '../../routing/mailbox-history.ts';
import { mailboxKinds, type Mailbox } from '../../schemas/mailbox.ts';
import { sectors } from '../../schemas/categories.ts';
import { sectorName } from './format.ts';
import { html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';
import { breadcrumbs, historyTable } from './mailbox-page.ts';
import { differingFields, editableFields, type EditableField, type MailboxForm } from './mailbox-form.ts';

export interface MailboxEditView {
  mailbox: Mailbox;
  ancestry: Array<{ sorId: string; name: string }>;
  form: MailboxForm;
  /** The version the form saves over. */
  version: number;
  /** What is wrong, per field, and for the whole form. */
  fieldErrors?: Partial<Record<EditableField, string>>;
  formError?: string;
  conflict?: { current: MailboxForm; yourVersion: number; changes: MailboxHistoryEntry[] };
}

const dateFields = new Set<EditableField>(['validFrom', 'validTo']);

function input(context: PageContext, view: MailboxEditView, field: EditableField): HtmlValue {
  const { t } = context;
  const id = `field-${field}`;
  const error = view.fieldErrors?.[field];
  const described = [field === 'accepts' ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${field}" ${described ? html`aria-describedby="${described}"` : null}
  ${error ? html`aria-invalid="true"` : null}`;
  const value = view.form[field];
  const label = t[`field_${field}`];
  let control: HtmlValue;
  if (field === 'kind' || field === 'sector') {
    const options = (field === 'kind' ? mailboxKinds : sectors).map(
      (option) =>
        html`<option value="${option}" ${value === option ? html`selected` : null}>
          ${field === 'kind' ? t[`kind_${option as (typeof mailboxKinds)[number]}`] : sectorName(t, option as never)}
        </option>`,
    );
    control = html`<select ${common}>
      ${options}
    </select>`;
  } else if (field === 'accepts') {
    control = html`<textarea ${common} rows="3">${value}</textarea><small id="${id}-hint">${t.acceptsHint}</small>`;
  } else {
    const type = dateFields.has(field) ? 'date' : field === 'endpoint' ? 'url' : 'text';
    control = html`<input type="${type}" ${common} value="${value}" ${field === 'name' ? html`required` : null} />`;
  }
  return html`<div class="field">
    <label for="${id}">${label}</label>
    ${control} ${error ? html`<small id="${id}-error" class="field-error">${error}</small>` : null}
  </div>`;
}

function conflictSection(context: PageContext, view: MailboxEditView): HtmlValue {
  const { t } = context;
  const conflict = view.conflict;
  if (!conflict) return null;
  const fields = differingFields(view.form, conflict.current);
  const label = (field: EditableField) => t[`field_${field}`];
  const cell = (text: string) => (text === '' ? t.none : text);
  return html`<section class="conflict" aria-labelledby="conflict-heading">
    <h2 id="conflict-heading">${t.conflictTitle}</h2>
    <p role="alert">${t.conflictIntro(conflict.yourVersion, view.version)}</p>
    <div class="overflow-auto">
      <table>
        <thead>
          <tr>
            <th scope="col">${t.colField}</th>
            <th scope="col">${t.yourVersion}</th>
            <th scope="col">${t.currentVersion}</th>
          </tr>
        </thead>
        <tbody>
          ${fields.map(
            (field) =>
              html`<tr class="differs-row">
                <th scope="row">${label(field)}</th>
                <td>${cell(view.form[field])}</td>
                <td>${cell(conflict.current[field])}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h3>${t.changedSince}</h3>
    ${historyTable(context, conflict.changes)}
  </section>`;
}

export function renderMailboxEditPage(context: PageContext, view: MailboxEditView): string {
  const { t } = context;
  const { mailbox } = view;
  const problem = view.formError ?? (view.fieldErrors && Object.keys(view.fieldErrors).length ? t.errorInvalid : null);
  return renderPage(context, {
    title: t.editTitle(mailbox.name),
    body: html`${breadcrumbs(context, view.ancestry)}
      <h1>${t.editTitle(mailbox.name)}</h1>
      ${conflictSection(context, view)} ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      <form method="post" action="/console/mailboxes/${mailbox.sorId}/edit" class="mailbox-edit">
        ${csrfField(context)}<input type="hidden" name="version" value="${view.version}" />
        ${editableFields.map((field) => input(context, view, field))}
        <div class="actions">
          <button type="submit">${view.conflict ? t.saveMineAnyway : t.save}</button>
          <a href="/console/mailboxes/${mailbox.sorId}" role="button" class="secondary">${t.cancel}</a>
        </div>
      </form>`,
  });
}
