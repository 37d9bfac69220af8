import type { Logger } from 'pino';
import { sharedAdapterOptions, type AdapterConfig } from './kit/config.ts';
import { startAdapter, type RunningAdapter } from './kit/consumer.ts';
import { createHttpTransport } from './kit/http-transport.ts';

/**
 * General practitioners receive correspondence letters over HTTP at the clinic mailbox's own
 * endpoint or `GP_ENDPOINT`. A GP-system-specific transport would be chosen here.
 */
export function startGpAdapter(config: Readonly<AdapterConfig>, log: Logger): Promise<RunningAdapter> {
  return startAdapter({
    ...sharedAdapterOptions(config, log),
    sector: 'gp',
    defaultEndpoint: config.endpoints.gp,
    transport: createHttpTransport({ timeoutMs: config.deliveryTimeoutMs }),
  });
}
