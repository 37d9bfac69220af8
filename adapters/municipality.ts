import type { Logger } from 'pino';
import { sharedAdapterOptions, type AdapterConfig } from './kit/config.ts';
import { startAdapter, type RunningAdapter } from './kit/consumer.ts';
import { createHttpTransport } from './kit/http-transport.ts';

/**
 * Municipalities (home care, rehabilitation) receive correspondence letters over HTTP at the
 * mailbox's own endpoint or `MUNICIPALITY_ENDPOINT`. A municipal care system's transport would
 * be chosen here.
 */
export function startMunicipalityAdapter(config: Readonly<AdapterConfig>, log: Logger): Promise<RunningAdapter> {
  return startAdapter({
    ...sharedAdapterOptions(config, log),
    sector: 'municipality',
    defaultEndpoint: config.endpoints.municipality,
    transport: createHttpTransport({ timeoutMs: config.deliveryTimeoutMs }),
  });
}
