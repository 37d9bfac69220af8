import { html } from './html.ts';
import { csrfField, renderPage, type PageContext } from './layout.ts';

export interface SignInView {
  /** Where to go after signing in. */
  next: string;
  failed?: boolean;
  notice?: string;
}

export function renderSignInPage(context: PageContext, view: SignInView): string {
  const { t } = context;
  return renderPage(context, {
    title: t.signInTitle,
    ...(view.notice ? { notice: view.notice } : {}),
    body: html`<article class="sign-in">
      <h1>${t.signInTitle}</h1>
      <p>${t.signInIntro}</p>
      ${view.failed ? html`<p class="problem" role="alert" id="sign-in-error">${t.signInFailed}</p>` : null}
      <form method="post" action="/console/sign-in">
        ${csrfField(context)}<input type="hidden" name="next" value="${view.next}" />
        <label for="api-key">${t.apiKeyLabel}</label>
        <input
          type="password"
          id="api-key"
          name="apiKey"
          required
          autocomplete="current-password"
          spellcheck="false"
          aria-describedby="api-key-hint${view.failed ? ' sign-in-error' : ''}"
          ${view.failed ? html` aria-invalid="true"` : null}
        />
        <small id="api-key-hint">${t.apiKeyHint}</small>
        <button type="submit">${t.signInButton}</button>
      </form>
    </article>`,
  });
}
