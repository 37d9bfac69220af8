import type { AuditVerifyResult } from '../../schemas/audit.ts';
import { html } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

export interface VerifyView {
  from: string;
  to: string;
  result?: AuditVerifyResult;
  problem?: string;
}

function resultOf(context: PageContext, result: AuditVerifyResult) {
  const { t } = context;
  if (!result.ok) {
    const reason = t[`reason_${result.reason ?? 'missing'}`];
    return html`<p class="problem verify-broken" role="alert">
      ${t.verifyBroken(result.firstBrokenSeq ?? 0, reason)}
    </p>`;
  }
  return html`<p class="notice verify-ok" role="status">${t.verifyOk(result.checked)}</p>
    ${
      result.lastHash
        ? html`<p>${t.verifyAnchor} <code>${result.lastSeq}</code> <code class="hash">${result.lastHash}</code></p>`
        : null
    }`;
}

export function renderVerifyPage(context: PageContext, view: VerifyView): string {
  const { t } = context;
  return renderPage(context, {
    title: t.verifyTitle,
    body: html`<h1>${t.verifyTitle}</h1>
      <p>${t.verifyIntro}</p>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : null}
      <form method="post" action="/console/verify">
        ${csrfField(context)}
        <div class="grid">
          <div>
            <label for="verify-from">${t.verifyFrom}</label
            ><input type="text" id="verify-from" name="from" value="${view.from}" />
          </div>
          <div>
            <label for="verify-to">${t.verifyTo}</label
            ><input type="text" id="verify-to" name="to" value="${view.to}" />
          </div>
        </div>
        <button type="submit">${t.verifyButton}</button>
      </form>
      ${view.result ? resultOf(context, view.result) : null}`,
  });
}
