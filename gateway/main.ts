import cluster from 'node:cluster';
import { loadConfig, type Config } from './platform/config.ts';
import { serveClusterMetricsFromPrimary } from './platform/cluster-metrics.ts';
import { createLogger, type Logger } from './platform/log.ts';
import { superviseWorkers } from './platform/worker-supervisor.ts';
import { prepareDatabase, startGateway } from './server.ts';

/**
 * Process entry of the gateway. With `POSTBUD_GATEWAY_PROCESSES` above 1 this process becomes a
 * supervisor: it prepares the database once, then forks that many gateway workers sharing the port.
 * Configuration errors end it with one clear line.
 */
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`postbud gateway: ${(error as Error).message}\n`);
  process.exit(1);
}
const log = createLogger(config.logLevel);

if (config.processes > 1 && cluster.isPrimary) {
  await prepareDatabase(config, log).catch((error: Error) => {
    log.fatal({ err: { message: error.message } }, 'gateway failed to prepare the database');
    process.exit(1);
  });
  serveClusterMetricsFromPrimary();
  superviseWorkers({ processes: config.processes, log });
} else {
  await serve(workerShare(config), log);
}

/**
 * Limits that bound this machine's memory are split between its processes; per-client limits
 * (uploads in flight) stay per process, and rate limits are shared through PostgreSQL.
 */
function workerShare(whole: Config): Config {
  if (!cluster.isWorker) return whole;
  const bufferedBodiesBytes = Math.max(1_048_576, Math.floor(whole.limits.bufferedBodiesBytes / whole.processes));
  return Object.freeze({ ...whole, limits: Object.freeze({ ...whole.limits, bufferedBodiesBytes }) });
}

async function serve(workerConfig: Config, workerLog: Logger): Promise<void> {
  const gateway = await startGateway(workerConfig, workerLog, { clusterWorker: cluster.isWorker }).catch(
    (error: Error) => {
      workerLog.fatal({ err: { message: error.message } }, 'gateway failed to start');
      process.exit(1);
    },
  );
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      workerLog.info({ signal }, 'gateway stopping');
      const force = setTimeout(() => process.exit(1), 25_000);
      force.unref();
      gateway.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
