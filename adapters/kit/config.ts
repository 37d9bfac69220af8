import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import type { Logger } from 'pino';
import { amqpUrlListPattern } from '../../schemas/amqp-nodes.ts';
import { defaultRetryDelaysMs } from '../../schemas/amqp-topology.ts';
import { sectors, type Sector } from '../../schemas/categories.ts';
import { keyListSchema } from '../../schemas/key-list.ts';
import { createQueueSigner, parseQueueSigningKeys, type QueueSigningKey } from '../../schemas/queue-signature.ts';

const httpUrl = { type: 'string', pattern: '^https?://[^\\s/]+' } as const;

const adapterConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'amqpUrl',
    'prefix',
    'gatewayUrl',
    'adapterKey',
    'endpoints',
    'retryDelaysMs',
    'deliveryTimeoutMs',
    'sectors',
    'prefetch',
    'redeliveryGraceMs',
    'queueSigningKeys',
  ],
  properties: {
    // One RabbitMQ node, or the nodes of a cluster separated by commas (schemas/amqp-nodes.ts).
    amqpUrl: { type: 'string', pattern: amqpUrlListPattern },
    prefix: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]*$', maxLength: 100 },
    gatewayUrl: httpUrl,
    adapterKey: { type: 'string', minLength: 1 },
    endpoints: {
      type: 'object',
      additionalProperties: false,
      properties: { region: httpUrl, municipality: httpUrl, gp: httpUrl },
    },
    retryDelaysMs: { type: 'array', maxItems: 20, items: { type: 'integer', minimum: 1, maximum: 86_400_000 } },
    deliveryTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
    sectors: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...sectors] } },
    prefetch: { type: 'integer', minimum: 1, maximum: 1000 },
    redeliveryGraceMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    queueSigningKeys: keyListSchema,
  },
} as const;

export type AdapterConfig = FromSchema<typeof adapterConfigSchema>;

/** Which environment variable each setting comes from, to name it when it is wrong. */
const sources: Record<string, { variable: string; rule: string }> = {
  amqpUrl: { variable: 'AMQP_URL', rule: 'must be an amqp(s):// URL or a comma-separated list of them' },
  prefix: { variable: 'POSTBUD_AMQP_PREFIX', rule: 'must be letters, digits, ".", "_" or "-"' },
  gatewayUrl: { variable: 'POSTBUD_GATEWAY_URL', rule: 'must be an http(s) URL' },
  adapterKey: { variable: 'POSTBUD_ADAPTER_KEY', rule: 'is required (an API key with the adapter role)' },
  'endpoints/region': { variable: 'REGION_ENDPOINT', rule: 'must be an http(s) URL' },
  'endpoints/municipality': { variable: 'MUNICIPALITY_ENDPOINT', rule: 'must be an http(s) URL' },
  'endpoints/gp': { variable: 'GP_ENDPOINT', rule: 'must be an http(s) URL' },
  retryDelaysMs: {
    variable: 'POSTBUD_RETRY_DELAYS_MS',
    rule: 'must be a comma-separated list of positive integers (ms)',
  },
  deliveryTimeoutMs: { variable: 'POSTBUD_DELIVERY_TIMEOUT_MS', rule: 'must be an integer from 100 to 600000 (ms)' },
  sectors: { variable: 'POSTBUD_ADAPTER_SECTORS', rule: `must be a comma-separated list of ${sectors.join(', ')}` },
  prefetch: { variable: 'POSTBUD_ADAPTER_PREFETCH', rule: 'must be an integer from 1 to 1000' },
  redeliveryGraceMs: {
    variable: 'POSTBUD_ADAPTER_REDELIVERY_GRACE_MS',
    rule: 'must be an integer from 0 to 600000 (ms)',
  },
  queueSigningKeys: {
    variable: 'POSTBUD_QUEUE_SIGNING_KEY',
    rule: 'is required: "id:<at least 32 bytes in base64>"[,…], the same as the gateway\'s',
  },
};

export class AdapterConfigError extends Error {
  override readonly name = 'AdapterConfigError';
}

const validate = new Ajv({ allErrors: false }).compile<AdapterConfig>(adapterConfigSchema);

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Reads a number strictly: "", "12abc" and "1e3" are errors, not 0, 12 or 1000. */
function integer(value: string): number {
  return /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The shared queue signing keys, or none when missing or malformed (the schema then names the variable). */
function signingKeys(raw: string | undefined): QueueSigningKey[] {
  try {
    return parseQueueSigningKeys(raw);
  } catch {
    return [];
  }
}

/**
 * Loads the adapters' configuration from the environment, validated and frozen. Throws one
 * `AdapterConfigError` whose message names the variable and the rule, never the value (keys and
 * the AMQP password must not reach logs).
 */
export function loadAdapterConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AdapterConfig> {
  const endpoints: Partial<Record<Sector, string>> = {};
  for (const [sector, variable] of [
    ['region', 'REGION_ENDPOINT'],
    ['municipality', 'MUNICIPALITY_ENDPOINT'],
    ['gp', 'GP_ENDPOINT'],
  ] as const) {
    const endpoint = blankToUndefined(env[variable]);
    if (endpoint !== undefined) endpoints[sector] = endpoint;
  }
  const candidate = {
    amqpUrl: blankToUndefined(env.AMQP_URL) ?? 'amqp://guest:guest@127.0.0.1:5672',
    prefix: blankToUndefined(env.POSTBUD_AMQP_PREFIX) ?? 'postbud',
    gatewayUrl: (blankToUndefined(env.POSTBUD_GATEWAY_URL) ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    adapterKey: blankToUndefined(env.POSTBUD_ADAPTER_KEY) ?? '',
    endpoints,
    retryDelaysMs: list(env.POSTBUD_RETRY_DELAYS_MS ?? defaultRetryDelaysMs.join(',')).map(integer),
    deliveryTimeoutMs: integer(env.POSTBUD_DELIVERY_TIMEOUT_MS ?? '30000'),
    sectors: list(env.POSTBUD_ADAPTER_SECTORS ?? sectors.join(',')),
    prefetch: integer(env.POSTBUD_ADAPTER_PREFETCH ?? '32'),
    redeliveryGraceMs: integer(env.POSTBUD_ADAPTER_REDELIVERY_GRACE_MS ?? '10000'),
    queueSigningKeys: signingKeys(env.POSTBUD_QUEUE_SIGNING_KEY),
  };
  if (!validate(candidate)) {
    const error = validate.errors?.[0];
    const path = (error?.instancePath ?? '').replace(/^\//, '');
    const source = sources[path] ?? sources[path.split('/')[0] ?? ''];
    throw new AdapterConfigError(
      source
        ? `Invalid adapter configuration: ${source.variable} ${source.rule}`
        : `Invalid adapter configuration: ${path || 'settings'} ${error?.message ?? 'are invalid'}`,
    );
  }
  return Object.freeze({ ...candidate, endpoints: Object.freeze(candidate.endpoints) }) as Readonly<AdapterConfig>;
}

/** The part of `startAdapter`'s options every sector shares. */
export function sharedAdapterOptions(config: Readonly<AdapterConfig>, log: Logger) {
  return {
    amqpUrl: config.amqpUrl,
    prefix: config.prefix,
    retryDelaysMs: config.retryDelaysMs,
    gateway: { url: config.gatewayUrl, key: config.adapterKey },
    prefetch: config.prefetch,
    redeliveryGraceMs: config.redeliveryGraceMs,
    signer: createQueueSigner(config.queueSigningKeys),
    log,
  };
}
