import type { BackPressure } from './delivery/back-pressure.ts';
import type { Broker } from './platform/broker.ts';
import type { Config } from './platform/config.ts';
import type { Vault } from './platform/crypto.ts';
import type { Db } from './platform/db.ts';
import type { Logger } from './platform/log.ts';
import type { Metrics } from './platform/metrics.ts';
import type { SpoolMemory } from './letters/spool-memory.ts';
import type { LetterXmlBuilder } from './medcom/letter-xml-threads.ts';
import type { UploadSlots } from './http/upload-slots.ts';

/** What the HTTP routes are given: the process's connections, configuration and helpers. */
export interface AppDeps {
  db: Db;
  broker: Broker;
  config: Config;
  log: Logger;
  vault: Vault;
  metrics: Metrics;
  /** The memory this process's arriving letters may hold together. */
  spoolMemory: SpoolMemory;
  /** Where JSON letters' XML is built and checked; in the request's own thread when not given. */
  letterXml?: LetterXmlBuilder;
  /** Wakes the outbox relay after a letter is stored, so it leaves without waiting for a poll. */
  onLetterStored?: () => void;
  /** How many letters may arrive at once, shared by every route that takes one in; from config when not given. */
  uploadSlots?: UploadSlots;
  /** Refuses letters for a backlogged sector; built from db, broker and config when not given. */
  backPressure?: BackPressure;
}

/** `AppDeps` as `createApp` completes them: what the routes that take letters in are given. */
export interface RouteDeps extends AppDeps {
  uploadSlots: UploadSlots;
}
