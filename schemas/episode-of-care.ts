/**
 * The episode of care a letter belongs to (MedCom Core Encounter): an LPR3 identifier reported to
 * the Danish National Patient Registry (a UUID v5, dk-core/MedCom `Lpr3Identifier`), or the
 * sending organisation's own (a UUID v4 under the sender's SOR, as in MedCom's examples).
 */

export const lpr3System = 'https://www.esundhed.dk/Registre/Landspatientregisteret';

/** MedCom `uuidv5`: how an LPR3 episode-of-care identifier is written. */
export const lpr3ValuePattern =
  '^urn:uuid:[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[5][a-fA-F0-9]{3}-[89aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}$';

/** A UUID as a client may give it, with or without `urn:uuid:`. */
export const episodeOfCareIdPattern =
  '^(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';

export const encounterClassSystem = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** HL7 v3 ActEncounterCode, the codes of MedCom's encounter class value set. */
export const encounterClasses = {
  AMB: 'ambulant',
  EMER: 'akut',
  FLD: 'udekørende',
  HH: 'i hjemmet',
  IMP: 'indlagt',
  ACUTE: 'indlagt, akut',
  NONAC: 'indlagt, ikke akut',
  OBSENC: 'observation',
  PRENC: 'før indlæggelse',
  SS: 'kort indlæggelse',
  VR: 'virtuel',
} as const;
export type EncounterClass = keyof typeof encounterClasses;
