import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Sector } from '../schemas/categories.ts';
import { AdapterConfigError, loadAdapterConfig, type AdapterConfig } from './kit/config.ts';
import type { RunningAdapter } from './kit/consumer.ts';
import { startGpAdapter } from './gp.ts';
import { startMunicipalityAdapter } from './municipality.ts';
import { startRegionAdapter } from './region.ts';

const starters: Record<Sector, (config: Readonly<AdapterConfig>, log: Logger) => Promise<RunningAdapter>> = {
  region: startRegionAdapter,
  municipality: startMunicipalityAdapter,
  gp: startGpAdapter,
};

/** Adapters log ids and outcomes only; the redaction is the safety net for keys and content. */
export function createAdapterLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: 'postbud-adapters',
    level,
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'key',
        '*.key',
        'adapterKey',
        '*.adapterKey',
        'xml',
        '*.xml',
        'body',
        '*.body',
        'cpr',
        '*.cpr',
      ],
      censor: '[redacted]',
    },
  });
}

/** Starts the configured sectors' adapters in this process and stops them on SIGTERM/SIGINT. */
export async function runAdapters(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Readonly<AdapterConfig>;
  try {
    config = loadAdapterConfig(env);
  } catch (error) {
    const line = error instanceof AdapterConfigError ? error.message : `Cannot start adapters: ${String(error)}`;
    process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  const log = createAdapterLogger(env.LOG_LEVEL ?? 'info');
  for (const sector of config.sectors) {
    if (config.endpoints[sector] === undefined) {
      log.warn({ sector }, 'no default endpoint; letters whose mailbox names none go to the dead-letter queue');
    }
  }

  const running: RunningAdapter[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping adapters');
    // Unacked letters of an adapter that is not up yet simply stay in the queue.
    await Promise.allSettled(running.map((adapter) => adapter.stop()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await Promise.all(
    config.sectors.map(async (sector) => {
      const adapter = await starters[sector](config, log);
      running.push(adapter);
      if (stopping) await adapter.stop();
    }),
  );
  log.info({ sectors: config.sectors, prefix: config.prefix }, 'adapters running');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAdapters();
}
