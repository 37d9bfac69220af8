import { sorIdSchema } from '../schemas/letter.ts';

// The same rule as the request schemas and the `mailboxes.sor_id` check, from one definition.
const sorIdPattern = new RegExp(sorIdSchema.pattern);

/** A SOR id: 11 to 18 digits (dk-core, e.g. `265161000016000`). SOR ids carry no check digit. */
export function isValidSorId(sorId: string): boolean {
  return sorIdPattern.test(sorId);
}
