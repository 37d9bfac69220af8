import type { DeadLetter } from '../delivery/dead-letters.ts';
import { instant, sectorName } from './format.ts';
import { html, type Html } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

function replayForm(context: PageContext, letter: DeadLetter): Html {
  const { t } = context;
  return html`<form
    method="post"
    action="/console/dead-letters/${letter.letterId}/replay"
    class="inline"
    data-confirm="${t.replayConfirm}"
    data-confirm-ok="${t.replay}"
    data-confirm-cancel="${t.cancel}"
  >
    ${csrfField(context)}<button type="submit" aria-label="${t.replay}: ${letter.letterId}">${t.replay}</button>
  </form>`;
}

export function renderDeadLettersPage(context: PageContext, letters: DeadLetter[], notice?: string): string {
  const { t, language } = context;
  return renderPage(context, {
    title: t.deadLettersTitle,
    ...(notice ? { notice } : {}),
    body: html`<h1>${t.deadLettersTitle}</h1>
      <p>${t.deadLettersIntro}</p>
      ${
        letters.length === 0
          ? html`<p>${t.noDeadLetters}</p>`
          : html`<div class="overflow-auto">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t.colLetter}</th>
                    <th scope="col">${t.traceRecipient}</th>
                    <th scope="col">${t.colSector}</th>
                    <th scope="col">${t.colAttempts}</th>
                    <th scope="col">${t.colLastError}</th>
                    <th scope="col">${t.colFailedAt}</th>
                    <th scope="col"><span class="visually-hidden">${t.colWhat}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${letters.map(
                    (letter) =>
                      html`<tr>
                        <td><code>${letter.letterId}</code></td>
                        <td>
                          <a href="/console/mailboxes/${letter.recipient.sorId}"
                            >${letter.recipient.name ?? letter.recipient.sorId}</a
                          >
                        </td>
                        <td>${sectorName(t, letter.sector)}</td>
                        <td>${letter.attempts}</td>
                        <td>
                          ${
                            letter.lastError
                              ? `${letter.lastError.httpStatus ?? ''} ${letter.lastError.error ?? ''}`.trim()
                              : t.none
                          }
                        </td>
                        <td>${instant(language, letter.failedAt)}</td>
                        <td>${replayForm(context, letter)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`,
  });
}
