import { loadConfig } from './platform/config.ts';
import { createLogger } from './platform/log.ts';
import { startGateway } from './server.ts';

/** Process entry of one gateway: configuration errors end it with one clear line. */
let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`postbud gateway: ${(error as Error).message}\n`);
  process.exit(1);
}
const log = createLogger(config.logLevel);
const gateway = await startGateway(config, log).catch((error: Error) => {
  log.fatal({ err: { message: error.message } }, 'gateway failed to start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'gateway stopping');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
