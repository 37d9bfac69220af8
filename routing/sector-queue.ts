import type { Sector } from '../schemas/categories.ts';
import type { Mailbox } from '../schemas/mailbox.ts';

/**
 * The routing key (= sector queue) a letter to `mailbox` is published with. The one place that
 * chooses it: a letter on the wrong sector queue reaches the wrong sector's systems.
 */
export function routingKeyFor(mailbox: Pick<Mailbox, 'sector'>): Sector {
  return mailbox.sector;
}
