import type { Sector } from '../../schemas/categories.ts';
import type { Actor } from '../audit/audit-trail.ts';
import type { Config } from '../platform/config.ts';
import type { Vault } from '../platform/crypto.ts';
import type { Db } from '../platform/db.ts';
import type { LetterXmlBuilder } from '../medcom/letter-xml-threads.ts';
import type { ResolvedRouting } from './letter-routing.ts';
import type { SealedSpool } from './sealed-spool.ts';
import type { SpoolMemory } from './spool-memory.ts';

/** Asked before anything is stored whether the recipient's sector takes one more letter now; throws if not. */
export interface SectorAdmission {
  admit(sector: Sector): Promise<void>;
}

export interface IntakeDeps {
  db: Db;
  vault: Vault;
  config: Config;
  /** The memory this process's arriving letters may hold together (one for the whole app). */
  spoolMemory: SpoolMemory;
  backPressure?: SectorAdmission;
  /** Where a JSON letter's XML is built and checked; in the request's own thread when not given. */
  letterXml?: LetterXmlBuilder;
}

export interface IntakeOptions {
  idempotencyKey?: string | undefined;
  reroutedFrom?: string;
  actor?: Actor;
  /** A letter that arrived as a checked MedCom Bundle: its own ids and XML, which Postbud does not rebuild. */
  prepared?: PreparedMessage;
  /** A JSON letter's id and spool, into which its attachments were sealed while it was parsed. */
  sealed?: { letterId: string; spool: SealedSpool };
}

/**
 * A message Postbud does not build from a JSON letter: a MedCom Bundle as posted, or a reply or
 * forward built from an earlier message. Its letter id, thread id and XML (with attachment
 * placeholders), the XML possibly built from the resolved routing.
 */
export interface PreparedMessage {
  letterId: string;
  communicationId: string;
  template: string | ((routing: ResolvedRouting) => string);
  /** The patient's CPR or replacement CPR, for the auditors' search. */
  patientIdentifier: string;
  /** The receiver Organization's EAN, held to the directory's by the guards. */
  claimedRecipientEan?: string;
}
