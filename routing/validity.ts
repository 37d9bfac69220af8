import type { Mailbox } from '../schemas/mailbox.ts';

/**
 * Whether a mailbox is in operation on a day. SOR validity dates are Danish calendar days, so
 * "today" is the date in Copenhagen: at 00:30 Danish time a mailbox closing "yesterday" is
 * closed, although it is still yesterday in UTC.
 */

export type MailboxState = 'in-operation' | 'deactivated' | 'not-yet-valid' | 'expired';

const copenhagenDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM-DD` of `instant` in Copenhagen. */
export function copenhagenDate(instant: Date): string {
  // Every letter asks several times; Intl formatting is slow enough to show in a profile.
  const second = Math.floor(instant.getTime() / 1000);
  if (second === lastDay.second) return lastDay.date;
  const parts = Object.fromEntries(copenhagenDay.formatToParts(instant).map((part) => [part.type, part.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  lastDay = { second, date };
  return date;
}

let lastDay = { second: Number.NaN, date: '' };

/** `validFrom` and `validTo` are both days on which the mailbox still receives. */
export function mailboxStateOn(mailbox: Pick<Mailbox, 'active' | 'validFrom' | 'validTo'>, today: Date): MailboxState {
  if (!mailbox.active) return 'deactivated';
  const day = copenhagenDate(today);
  // ISO dates compare correctly as strings.
  if (mailbox.validFrom !== null && day < mailbox.validFrom) return 'not-yet-valid';
  if (mailbox.validTo !== null && day > mailbox.validTo) return 'expired';
  return 'in-operation';
}
