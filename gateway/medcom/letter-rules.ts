import type { LetterEnvelope } from '../../schemas/letter.ts';
import { episodeOfCareFor } from './episode-of-care.ts';
import { patientIdentifier } from './patient-identity.ts';
import { ProblemError } from '../platform/problem.ts';

/** MedCom's CareCommunication rules that a JSON Schema cannot express. */
export function checkLetterRules(letter: LetterEnvelope): void {
  patientIdentifier(letter.patient);
  if (letter.episodeOfCare) episodeOfCareFor(letter.episodeOfCare, letter.sender.sorId);
  if (letter.category === 'other' && !letter.topic) {
    throw new ProblemError(422, 'topic-required', 'Topic required', 'A letter of category "other" must carry a topic.');
  }
  if (letter.priority && letter.category !== 'regarding-referral') {
    throw new ProblemError(
      422,
      'priority-not-allowed',
      'Priority not allowed',
      'Priority is only given for letters of category "regarding-referral".',
    );
  }
}
