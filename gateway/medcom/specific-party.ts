import type { SpecificParty } from './letter-draft.ts';

/** A specific sender or recipient as a submission gives it: exactly one of the two (the schema holds that). */
export interface SubmittedSpecificParty {
  careTeam?: { name: string };
  practitioner?: { name: string; role: string };
}

/** The builder's form of a submitted specific party. */
export function specificPartyOf(submitted: SubmittedSpecificParty): SpecificParty {
  if (submitted.careTeam) return { careTeam: { name: submitted.careTeam.name } };
  if (submitted.practitioner) return { practitioner: { ...submitted.practitioner } };
  throw new RangeError('a specific party is a care team or a practitioner');
}
