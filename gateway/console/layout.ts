import type { ApiClient } from '../clients/client-store.ts';
import { html, type Html, type HtmlValue } from './html.ts';
import { languages, textsFor, type Language, type Texts } from './texts.ts';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  language: Language;
  t: Texts;
  /** The token every form of this page carries (the session's, or the visitor's before sign-in). */
  csrfToken: string;
  /** The signed-in client; undefined before sign-in. */
  client: ApiClient | undefined;
  /** This page's path and query, where the language switch returns to. */
  here: string;
}

export interface Page {
  title: string;
  body: HtmlValue;
  /** A notice shown above the page's content, e.g. after a change was saved. */
  notice?: string;
}

export const csrfField = (context: PageContext): Html =>
  html`<input type="hidden" name="_csrf" value="${context.csrfToken}" />`;

function languageSwitch(context: PageContext): Html {
  const buttons = languages.map((language) => {
    const name = textsFor(language).languageName;
    return language === context.language
      ? html`<button
          type="submit"
          name="language"
          value="${language}"
          lang="${language}"
          aria-pressed="true"
          class="secondary"
        >
          ${name}
        </button>`
      : html`<button
          type="submit"
          name="language"
          value="${language}"
          lang="${language}"
          aria-pressed="false"
          class="outline secondary"
        >
          ${name}
        </button>`;
  });
  return html`<form method="post" action="/console/language" class="language-switch">
    ${csrfField(context)}<input type="hidden" name="next" value="${context.here}" />
    <fieldset role="group" aria-label="${context.t.language}">${buttons}</fieldset>
  </form>`;
}

function navigation(context: PageContext): HtmlValue {
  const { t, client } = context;
  if (!client) return null;
  return html`<nav aria-label="${t.mainNavigation}">
    <ul>
      ${client.roles.includes('sender') ? html`<li><a href="/console/compose">${t.navCompose}</a></li>` : null}
      <li><a href="/console/directory">${t.navDirectory}</a></li>
      ${
        client.roles.includes('auditor')
          ? html`<li><a href="/console/audit">${t.navAudit}</a></li>
              <li><a href="/console/access">${t.navAccess}</a></li>
              <li><a href="/console/verify">${t.navVerify}</a></li>`
          : null
      }
      ${
        client.roles.includes('auditor') || client.roles.includes('admin')
          ? html`<li><a href="/console/misroutes">${t.navMisroutes}</a></li>`
          : null
      }
    </ul>
    <ul>
      <li>
        <span class="who">${t.signedInAs(client.name)} <small>(${t.roles(client.roles.join(', '))})</small></span>
      </li>
      <li>
        <form method="post" action="/console/sign-out" class="sign-out">
          ${csrfField(context)}<button type="submit" class="outline">${t.signOut}</button>
        </form>
      </li>
    </ul>
  </nav>`;
}

/** The whole document: scripts and styles only from /console/assets, nothing inline (the CSP allows nothing else). */
export function renderPage(context: PageContext, page: Page): string {
  const { t } = context;
  return `<!doctype html>${html`<html lang="${context.language}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${page.title} · ${t.appName}</title>
      <link rel="stylesheet" href="/console/assets/pico.min.css" />
      <link rel="stylesheet" href="/console/assets/console.css" />
      <script src="/console/assets/console.js" defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main">${t.skipToContent}</a>
      <header class="container">
        <div class="masthead"><a href="/console" class="app-name">${t.appName}</a>${languageSwitch(context)}</div>
        ${navigation(context)}
      </header>
      <main id="main" class="container" tabindex="-1">
        ${page.notice ? html`<p class="notice" role="status">${page.notice}</p>` : null} ${page.body}
      </main>
    </body>
  </html>`}`;
}
