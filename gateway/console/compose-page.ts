import { categoryCodes, careCommunicationCategories } from '../../schemas/categories.ts';
import type { MailboxSearchHit } from '../../schemas/directory.ts';
import { maxAttachments } from '../../schemas/letter.ts';
import type { MailboxState } from '../../routing/validity.ts';
import type { ComposeForm } from './compose-letter.ts';
import { orNone, sectorName, stateBadge } from './format.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';
import type { Sector } from '../../schemas/categories.ts';

export interface ChosenRecipient {
  sorId: string;
  name: string;
  path: readonly string[];
  sector: Sector;
  ean: string | null;
  state: MailboxState;
}

export interface ComposeView {
  q: string;
  hits?: MailboxSearchHit[];
  recipient?: ChosenRecipient;
  senders: Array<{ sorId: string; name: string }>;
  form: ComposeForm;
  /** A refusal of the letter in plain words, and the warnings to confirm, as rendered. */
  refusal?: Html;
  warnings?: Html;
}

const acceptTypes = '.pdf,.png,.jpg,.jpeg,.gif,.tif,.tiff,.bmp,application/pdf,image/*';

function searchResults(context: PageContext, view: ComposeView): HtmlValue {
  const { t } = context;
  if (!view.hits) return null;
  if (view.hits.length === 0) return html`<p role="status">${t.noResults}</p>`;
  return html`<p role="status">${t.resultCount(view.hits.length)}</p>
    <ul class="recipient-hits">
      ${view.hits.map((hit) => {
        const name = hit.displayName ?? hit.name;
        return html`<li>
          <strong>${name}</strong> ${stateBadge(t, hit.state)}<br />
          <small class="path">${hit.path.slice(0, -1).join(' › ') || t.none}</small><br />
          <small>${sectorName(t, hit.sector)} · SOR ${hit.sorId} · EAN ${orNone(t, hit.ean)}</small><br />
          <a
            href="/console/compose?recipient=${hit.sorId}"
            class="choose-recipient"
            aria-label="${t.composeChooseLabel(hit.name)}"
            >${t.composeChoose}</a
          >
        </li>`;
      })}
    </ul>`;
}

function recipientStep(context: PageContext, view: ComposeView): Html {
  const { t } = context;
  const chosen = view.recipient;
  return html`<section aria-labelledby="recipient-step">
    <h2 id="recipient-step">${t.composeRecipientStep}</h2>
    ${
      chosen
        ? html`<article class="chosen-recipient" aria-label="${t.composeChosen}">
            <p>${t.composeChosen}:</p>
            <p><strong id="chosen-name">${chosen.name}</strong> ${stateBadge(t, chosen.state)}</p>
            <p class="path"><small>${chosen.path.join(' › ')}</small></p>
            <p><small>${sectorName(t, chosen.sector)} · SOR ${chosen.sorId} · EAN ${orNone(t, chosen.ean)}</small></p>
          </article>`
        : html`<p>${t.composeNoRecipient}</p>`
    }
    <form method="get" action="/console/compose" role="search" class="directory-search">
      <label for="compose-q">${chosen ? t.composeChooseAnother : t.composeSearchLabel}</label>
      <div class="search-row">
        <input type="search" id="compose-q" name="q" value="${view.q}" maxlength="200" autocomplete="off" />
        <button type="submit">${t.searchButton}</button>
      </div>
    </form>
    ${searchResults(context, view)}
  </section>`;
}

function field(id: string, label: string, input: Html, hint?: string): Html {
  return html`<label for="${id}">${label}</label>${input}${hint ? html`<small id="${id}-hint">${hint}</small>` : null}`;
}

function senderField(context: PageContext, view: ComposeView): Html {
  const { t } = context;
  if (view.senders.length === 1) {
    const only = view.senders[0]!;
    return html`<input type="hidden" name="sender" value="${only.sorId}" />
      <p>${t.composeSender}: <strong>${only.name}</strong></p>`;
  }
  return field(
    'compose-sender',
    t.composeSender,
    html`<select id="compose-sender" name="sender" required>
      ${view.senders.map(
        (sender) =>
          html`<option value="${sender.sorId}" ${view.form.sender === sender.sorId ? html`selected` : null}>
            ${sender.name}
          </option>`,
      )}
    </select>`,
  );
}

function letterStep(context: PageContext, view: ComposeView, recipient: ChosenRecipient): Html {
  const { t } = context;
  const { form } = view;
  const text = (id: string, name: keyof ComposeForm, label: string, extra: Html = html``) =>
    field(id, label, html`<input type="text" id="${id}" name="${name}" value="${String(form[name])}" ${extra} />`);
  return html`<section aria-labelledby="letter-step">
    <h2 id="letter-step">${t.composeLetterStep}</h2>
    <div id="compose-problem" aria-live="polite">${view.refusal}</div>
    <form
      method="post"
      action="/console/compose"
      enctype="multipart/form-data"
      id="compose-form"
      data-uploading="${t.composeUploading}"
      data-upload-failed="${t.composeUploadFailed}"
      data-too-many="${t.composeTooManyFiles}"
      data-remove="${t.composeRemoveFile('{}')}"
      data-max-files="${maxAttachments}"
    >
      ${csrfField(context)}
      <input type="hidden" name="idempotencyKey" value="${form.idempotencyKey}" />
      <input type="hidden" name="recipient" value="${recipient.sorId}" />
      <input type="hidden" name="recipientName" value="${recipient.name}" />
      ${senderField(context, view)}
      <fieldset>
        <legend>${t.composePatient}</legend>
        ${field(
          'compose-cpr',
          t.composeCpr,
          html`<input
            type="text"
            id="compose-cpr"
            name="cpr"
            value="${form.cpr}"
            inputmode="numeric"
            autocomplete="off"
            pattern="[0-9]{6}-?[0-9]{4}"
            required
            aria-describedby="compose-cpr-hint"
          />`,
          t.composeCprHint,
        )}
        ${text('compose-given', 'given', t.composeGiven, html`required autocomplete="off"`)}
        ${text('compose-family', 'family', t.composeFamily, html`autocomplete="off"`)}
        ${text('compose-municipality', 'municipalityCode', t.composeMunicipality, html`inputmode="numeric" pattern="[0-9]{3}"`)}
      </fieldset>
      ${field(
        'compose-category',
        t.composeCategory,
        html`<select id="compose-category" name="category" required>
          ${categoryCodes.map(
            (code) =>
              html`<option value="${code}" ${form.category === code ? html`selected` : null}>
                ${careCommunicationCategories[code]}
              </option>`,
          )}
        </select>`,
      )}
      ${text('compose-topic', 'topic', t.composeTopic, html`maxlength="200"`)}
      ${field(
        'compose-text',
        t.composeText,
        html`<textarea id="compose-text" name="text" rows="8" required maxlength="100000">${form.text}</textarea>`,
      )}
      <fieldset>
        <legend>${t.composeAuthor}</legend>
        ${text('compose-author-name', 'authorName', t.composeAuthorName, html`required autocomplete="name"`)}
        ${text('compose-author-role', 'authorRole', t.composeAuthorRole, html`required`)}
        ${field(
          'compose-author-phone',
          t.composeAuthorPhone,
          html`<input
            type="tel"
            id="compose-author-phone"
            name="authorPhone"
            value="${form.authorPhone}"
            required
            pattern="\\+?[0-9 ]{8,20}"
            autocomplete="tel"
          />`,
        )}
      </fieldset>
      ${view.warnings}
      <fieldset class="drop-zone" id="drop-zone">
        <legend>${t.composeFiles}</legend>
        ${field(
          'compose-files',
          t.composeFilesLabel,
          html`<input
            type="file"
            id="compose-files"
            name="files"
            multiple
            accept="${acceptTypes}"
            aria-describedby="compose-files-hint"
          />`,
          t.composeFilesHint,
        )}
        <p class="drop-hint" aria-hidden="true">${t.composeDropHere}</p>
        <ul id="compose-file-list" aria-label="${t.composeChosenFiles}"></ul>
      </fieldset>
      <div class="upload-progress" id="upload-progress" hidden>
        <label for="upload-bar">${t.composeProgress}</label>
        <progress id="upload-bar" max="100" value="0"></progress>
        <p id="upload-status" role="status" data-template="${t.composeUploaded(999).replace('999', '{}')}"></p>
      </div>
      <button type="submit" id="compose-send">${t.composeSend}</button>
    </form>
  </section>`;
}

export function renderComposePage(context: PageContext, view: ComposeView): string {
  const { t } = context;
  return renderPage(context, {
    title: t.composeTitle,
    body: html`<h1>${t.composeTitle}</h1>
      <p>${t.composeIntro}</p>
      ${recipientStep(context, view)} ${view.recipient ? letterStep(context, view, view.recipient) : null}
      <script src="/console/assets/compose.js" defer></script>`,
  });
}
