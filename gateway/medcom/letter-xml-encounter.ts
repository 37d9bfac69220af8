import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationUris as uri } from '../../schemas/care-communication-xml.ts';
import {
  encounterClasses,
  encounterClassSystem,
  lpr3System,
  type EncounterClass,
} from '../../schemas/episode-of-care.ts';
import type { LetterDraft, LetterIds } from './letter-draft.ts';
import { entry, narrative, primitive, reference } from './letter-xml-writer.ts';

/**
 * The Encounter that carries the letter's episode-of-care identifier (MedCom Core Encounter).
 * Its status is `unknown`: Postbud is told which episode, not how the contact stands.
 */
export function encounter(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const episode = draft.episodeOfCare;
  if (episode === undefined) return;
  const resource = entry(bundle, 'Encounter', ids.encounter, uri.encounterProfile);
  const label = encounterClasses[episode.encounterClass as EncounterClass] ?? episode.encounterClass;
  const registry = episode.system === lpr3System ? 'LPR3' : 'afsenders';
  narrative(resource, 'generated', [['episodeOfCare', `Forløb (${registry}) ${episode.value}, kontakt: ${label}`]]);
  primitive(resource, 'status', 'unknown');
  const encounterClass = resource.ele(null, 'class');
  primitive(encounterClass, 'system', encounterClassSystem);
  primitive(encounterClass, 'code', episode.encounterClass, 'episodeOfCare.encounterClass');
  reference(resource, 'subject', `Patient/${ids.patient}`);
  const identifier = resource.ele(null, 'episodeOfCare').ele(null, 'identifier');
  primitive(identifier, 'system', episode.system, 'episodeOfCare.system');
  primitive(identifier, 'value', episode.value, 'episodeOfCare.identifier');
}
