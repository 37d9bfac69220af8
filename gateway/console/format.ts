import type { Sector } from '../../schemas/categories.ts';
import type { MailboxState } from '../../routing/validity.ts';
import { nameSegments } from '../../routing/names.ts';
import { html, type Html } from './html.ts';
import type { Language, Texts } from './texts.ts';

/** How the console writes values a person reads: Danish time, words for codes, marked names. */

const instants: Record<Language, Intl.DateTimeFormat> = {
  da: new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', dateStyle: 'short', timeStyle: 'medium' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', dateStyle: 'medium', timeStyle: 'medium' }),
};

export function instant(language: Language, iso: string): Html {
  return html`<time datetime="${iso}">${instants[language].format(new Date(iso))}</time>`;
}

export const sectorName = (t: Texts, sector: Sector): string => t[`sector_${sector}`];

export const stateBadge = (t: Texts, state: MailboxState): Html =>
  html`<span class="state state-${state}">${t[`state_${state}`]}</span>`;

/** `name` with the words that `other` lacks marked, so two look-alike names can be told apart. */
export function markedName(name: string, other: string): Html {
  return html`${nameSegments(name, other).map((segment) =>
    segment.differs ? html`<mark class="differs">${segment.text}</mark>` : segment.text,
  )}`;
}

export const orNone = (t: Texts, value: string | null | undefined): string =>
  value === null || value === undefined || value === '' ? t.none : value;
