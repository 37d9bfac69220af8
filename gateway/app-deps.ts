import type { BackPressure } from './back-pressure.ts';
import type { Broker } from './broker.ts';
import type { Config } from './config.ts';
import type { Vault } from './crypto.ts';
import type { Db } from './db.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';

/** What the HTTP routes are given: the process's connections, configuration and helpers. */
export interface AppDeps {
  db: Db;
  broker: Broker;
  config: Config;
  log: Logger;
  vault: Vault;
  metrics: Metrics;
  /** Wakes the outbox relay after a letter is stored, so it leaves without waiting for a poll. */
  onLetterStored?: () => void;
  /** Refuses letters for a backlogged sector; built from db, broker and config when not given. */
  backPressure?: BackPressure;
}
