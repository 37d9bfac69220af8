import { careCommunicationUris } from '../../schemas/care-communication-xml.ts';
import { lpr3System, type EncounterClass } from '../../schemas/episode-of-care.ts';
import { ProblemError } from '../platform/problem.ts';
import type { LetterDraft } from './letter-draft.ts';

/** The episode of care as a letter submission gives it (schemas/letter.ts). */
export interface SubmittedEpisodeOfCare {
  identifier: string;
  encounterClass: EncounterClass;
}

/**
 * The Encounter's episode-of-care identifier: a UUID v5 is an LPR3 identifier (MedCom `uuidv5`,
 * written `urn:uuid:…`); a UUID v4 is the sending organisation's own, under its SOR as system,
 * as MedCom's examples write it. Any other UUID version is neither and is refused.
 */
export function episodeOfCareFor(
  submitted: SubmittedEpisodeOfCare,
  senderSorId: string,
): NonNullable<LetterDraft['episodeOfCare']> {
  const uuid = submitted.identifier.replace(/^urn:uuid:/, '').toLowerCase();
  const version = uuid[14];
  if (version === '5') {
    return { system: lpr3System, value: `urn:uuid:${uuid}`, encounterClass: submitted.encounterClass };
  }
  if (version === '4') {
    return {
      system: `${careCommunicationUris.sorEndpointBase}${senderSorId}`,
      value: uuid,
      encounterClass: submitted.encounterClass,
    };
  }
  throw new ProblemError(
    422,
    'episode-of-care-invalid',
    'Invalid episode-of-care identifier',
    'An episode-of-care identifier is an LPR3 identifier (UUID version 5) or the sending organisation’s own (UUID version 4).',
  );
}
