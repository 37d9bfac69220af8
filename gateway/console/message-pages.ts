import { html } from './html.ts';
import { renderPage, type PageContext } from './layout.ts';
import { codeText, type Texts } from './texts.ts';

/** What a refusal's code means to a person, in the page's language; other codes show their own detail. */
const plainWords: Partial<Record<string, (t: Texts) => string>> = {
  'role-forbidden': (t) => t.errorForbidden,
  'csrf-invalid': (t) => t.errorCsrf,
  'not-found': (t) => t.errorNotFound,
  'internal-error': (t) => t.errorInternal,
};

export interface Refusal {
  code: string;
  title: string;
  detail?: string | undefined;
}

export function renderErrorPage(context: PageContext, refusal: Refusal): string {
  const { t } = context;
  const words = plainWords[refusal.code]?.(t) ?? codeText(t, refusal.code) ?? refusal.detail ?? refusal.title;
  return renderPage(context, {
    title: t.errorTitle,
    body: html`<h1>${t.errorTitle}</h1>
      <p class="problem" role="alert">${words}</p>
      ${context.client ? html`<p><a href="/console/directory">${t.backToDirectory}</a></p>` : null}`,
  });
}
