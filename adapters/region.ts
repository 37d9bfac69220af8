import type { Logger } from 'pino';
import { sharedAdapterOptions, type AdapterConfig } from './kit/config.ts';
import { startAdapter, type RunningAdapter } from './kit/consumer.ts';
import { createHttpTransport } from './kit/http-transport.ts';

/**
 * Regions (hospitals, psychiatry) receive correspondence letters over HTTP at the mailbox's own
 * endpoint or `REGION_ENDPOINT`. A region-specific transport would be chosen here.
 */
export function startRegionAdapter(config: Readonly<AdapterConfig>, log: Logger): Promise<RunningAdapter> {
  return startAdapter({
    ...sharedAdapterOptions(config, log),
    sector: 'region',
    defaultEndpoint: config.endpoints.region,
    transport: createHttpTransport({ timeoutMs: config.deliveryTimeoutMs }),
  });
}
