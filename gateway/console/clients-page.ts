import type { ApiClientListing, Role } from '../clients/client-store.ts';
import { instant } from './format.ts';
import { html, type Html } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

export const clientRoles: Role[] = ['sender', 'admin', 'auditor', 'adapter'];

export interface ClientsView {
  clients: ApiClientListing[];
  /** A key just made, shown this once. */
  newKey?: { name: string; key: string };
  problem?: string;
  notice?: string;
}

function actionForm(context: PageContext, client: ApiClientListing, action: 'revoke' | 'rotate'): Html {
  const { t } = context;
  const [label, question, style] =
    action === 'revoke' ? [t.revokeClient, t.revokeConfirm, 'secondary'] : [t.rotateClient, t.rotateConfirm, 'outline'];
  return html`<form
    method="post"
    action="/console/clients/${client.id}/${action}"
    class="inline"
    data-confirm="${question}"
    data-confirm-ok="${label}"
    data-confirm-cancel="${t.cancel}"
  >
    ${csrfField(context)}<button type="submit" class="${style}" aria-label="${label}: ${client.name}">${label}</button>
  </form>`;
}

function clientRows(context: PageContext, clients: ApiClientListing[]): Html {
  const { t, language } = context;
  return html`${clients.map(
    (client) =>
      html`<tr>
        <td>${client.name}</td>
        <td>${client.roles.map((role) => t[`role_${role}`]).join(', ')}</td>
        <td>${client.senders.join(', ') || t.none}</td>
        <td>${instant(language, client.createdAt)}</td>
        <td>${client.active ? t.clientActive : t.clientRevoked}</td>
        <td>
          ${
            client.active && client.id !== context.client?.id
              ? html`${actionForm(context, client, 'rotate')} ${actionForm(context, client, 'revoke')}`
              : null
          }
        </td>
      </tr>`,
  )}`;
}

function createForm(context: PageContext): Html {
  const { t } = context;
  return html`<section aria-labelledby="new-client-heading">
    <h2 id="new-client-heading">${t.newClientTitle}</h2>
    <form method="post" action="/console/clients">
      ${csrfField(context)}
      <label for="client-name">${t.clientName}</label>
      <input type="text" id="client-name" name="name" required maxlength="200" />
      <fieldset>
        <legend>${t.clientRoles}</legend>
        ${clientRoles.map(
          (role) => html`<label><input type="checkbox" name="roles" value="${role}" /> ${t[`role_${role}`]}</label>`,
        )}
      </fieldset>
      <label for="client-senders">${t.clientSenders}</label>
      <textarea id="client-senders" name="senders" rows="2"></textarea>
      <button type="submit">${t.createClient}</button>
    </form>
  </section>`;
}

export function renderClientsPage(context: PageContext, view: ClientsView): string {
  const { t } = context;
  return renderPage(context, {
    title: t.clientsTitle,
    ...(view.notice ? { notice: view.notice } : {}),
    body: html`<h1>${t.clientsTitle}</h1>
      <p>${t.clientsIntro}</p>
      ${
        view.newKey
          ? html`<div class="new-key" role="status">
              <p>${t.keyShownOnce(view.newKey.name)}</p>
              <p><code id="new-key">${view.newKey.key}</code></p>
            </div>`
          : null
      }
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : null}
      <div class="overflow-auto">
        <table>
          <thead>
            <tr>
              <th scope="col">${t.clientName}</th>
              <th scope="col">${t.clientRoles}</th>
              <th scope="col">${t.clientSenders}</th>
              <th scope="col">${t.field_validFrom}</th>
              <th scope="col">${t.colClientState}</th>
              <th scope="col"><span class="visually-hidden">${t.colWhat}</span></th>
            </tr>
          </thead>
          <tbody>
            ${clientRows(context, view.clients)}
          </tbody>
        </table>
      </div>
      ${createForm(context)}`,
  });
}
