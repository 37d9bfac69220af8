import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { amqpUrlListPattern } from '../../schemas/amqp-nodes.ts';
import { defaultRetryDelaysMs } from '../../schemas/amqp-topology.ts';
import { parseQueueSigningKeys } from '../../schemas/queue-signature.ts';
import { keyListSchema } from '../../schemas/key-list.ts';

/** The gateway's environment, validated once at start-up and frozen (STYLE.md 7). */
const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'databaseUrl',
    'amqpUrl',
    'port',
    'processes',
    'dataKeys',
    'queueSigningKeys',
    'amqpPrefix',
    'retryDelaysMs',
    'limits',
    'http',
    'outboxPollMs',
    'auditSealIntervalMs',
    'xmlThreads',
    'rateLimit',
    'backPressure',
    'corsOrigins',
    'trustProxy',
    'endpoints',
    'consoleSession',
    'logLevel',
  ],
  properties: {
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    // One RabbitMQ node, or the nodes of a cluster separated by commas (schemas/amqp-nodes.ts).
    amqpUrl: { type: 'string', pattern: amqpUrlListPattern },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    // Gateway processes sharing the port on this machine (node:cluster); 1 runs no supervisor.
    processes: { type: 'integer', minimum: 1, maximum: 64 },
    dataKeys: keyListSchema,
    // Signs what the relay publishes and checks adapters' receipts (schemas/queue-signature.ts).
    queueSigningKeys: keyListSchema,
    cprHmacKey: { type: 'string', minLength: 32 },
    bootstrapAdminKey: { type: 'string', minLength: 24 },
    bootstrapAdapterKey: { type: 'string', minLength: 24 },
    amqpPrefix: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    retryDelaysMs: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'integer', minimum: 10 } },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: [
        'maxFileBytes',
        'maxLetterBytes',
        'maxImagePixels',
        'spoolMemoryBytes',
        'spoolMemoryTotalBytes',
        'uploadsPerClient',
        'uploadsTotal',
        'bufferedBodiesBytes',
      ],
      properties: {
        maxFileBytes: { type: 'integer', minimum: 1024 },
        maxLetterBytes: { type: 'integer', minimum: 1024 },
        // Width × height an attached image may declare: a small file can declare a decompression bomb.
        maxImagePixels: { type: 'integer', minimum: 1 },
        // Sealed bytes of one letter held in memory while it arrives; the rest waits in a temporary file.
        spoolMemoryBytes: { type: 'integer', minimum: 0 },
        // Sealed bytes all letters arriving at once may hold in memory together, per process.
        spoolMemoryTotalBytes: { type: 'integer', minimum: 0 },
        // Letters one client may have arriving at once: a slow sender must not take every slot.
        uploadsPerClient: { type: 'integer', minimum: 1 },
        // Letters arriving at once in one process: beyond, 503 before the body is read.
        uploadsTotal: { type: 'integer', minimum: 1 },
        // Memory all buffered (JSON and FHIR) letter bodies may take together while they are handled.
        bufferedBodiesBytes: { type: 'integer', minimum: 1048576 },
      },
    },
    // Slow-loris and header-flood guards of the HTTP server.
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs', 'socketTimeoutMs', 'maxHeaderCount'],
      properties: {
        headersTimeoutMs: { type: 'integer', minimum: 100 },
        requestTimeoutMs: { type: 'integer', minimum: 100 },
        keepAliveTimeoutMs: { type: 'integer', minimum: 100 },
        socketTimeoutMs: { type: 'integer', minimum: 100 },
        maxHeaderCount: { type: 'integer', minimum: 10, maximum: 2000 },
      },
    },
    outboxPollMs: { type: 'integer', minimum: 10 },
    // How often the sealer looks for unsealed audit events; the sealing lag stays about this short.
    auditSealIntervalMs: { type: 'integer', minimum: 5, maximum: 1000 },
    // Worker threads building and checking JSON letters' XML; 0 builds in the event loop's thread.
    xmlThreads: { type: 'integer', minimum: 0, maximum: 16 },
    // Access and back-pressure: per-client request budget, per-sector backlog limits, CORS.
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['perMinute', 'burst', 'adapterPerMinute', 'failedAuthenticationsPerMinute'],
      properties: {
        perMinute: { type: 'integer', minimum: 0 },
        burst: { type: 'integer', minimum: 1 },
        adapterPerMinute: { type: 'integer', minimum: 0 },
        failedAuthenticationsPerMinute: { type: 'integer', minimum: 1 },
      },
    },
    backPressure: {
      type: 'object',
      additionalProperties: false,
      required: ['maxQueueDepth', 'maxOutboxBacklog', 'retryAfterSeconds'],
      properties: {
        maxQueueDepth: { type: 'integer', minimum: 1 },
        maxOutboxBacklog: { type: 'integer', minimum: 1 },
        retryAfterSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
      },
    },
    corsOrigins: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^https?://[^/\\s,]+$' } },
    // Load balancers whose X-Forwarded-For names the client (express's `trust proxy`): addresses,
    // CIDR ranges or loopback, linklocal, uniquelocal. None by default: the peer is the client.
    trustProxy: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', pattern: '^(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(/[0-9]{1,3})?)$' },
    },
    // Where mailbox endpoints may point (routing/endpoint-policy.ts).
    endpoints: {
      type: 'object',
      additionalProperties: false,
      required: ['allowedHosts', 'allowHttp'],
      properties: {
        allowedHosts: {
          type: 'array',
          maxItems: 500,
          items: { type: 'string', pattern: '^(\\*\\.)?[A-Za-z0-9.:-]{1,253}$' },
        },
        allowHttp: { type: 'boolean' },
      },
    },
    // The browser console's sessions end after this long unused, and at the latest after their lifetime.
    consoleSession: {
      type: 'object',
      additionalProperties: false,
      required: ['idleMinutes', 'lifetimeMinutes'],
      properties: {
        idleMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
        lifetimeMinutes: { type: 'integer', minimum: 1, maximum: 10080 },
      },
    },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  },
} as const;

export type Config = Readonly<FromSchema<typeof configSchema>>;

const mebibyte = 1024 * 1024;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** `POSTBUD_DATA_KEY` is `id:base64key[,id:base64key…]`; the first key encrypts, all decrypt. */
function dataKeys(raw: string | undefined): Array<{ id: string; key: string }> {
  if (!raw) throw new Error('POSTBUD_DATA_KEY is required (e.g. "k1:" followed by 32 random bytes in base64)');
  return raw.split(',').map((entry) => {
    const [id, key] = entry.includes(':') ? entry.split(':', 2) : ['k1', entry];
    if (!id || !key || Buffer.from(key, 'base64').length !== 32) {
      throw new Error('POSTBUD_DATA_KEY entries must be "id:<32 bytes in base64>"');
    }
    return { id, key };
  });
}

/** `POSTBUD_ENDPOINT_HOSTS` (hosts, `*.suffix` allowed, comma-separated) and `POSTBUD_ENDPOINT_ALLOW_HTTP=true`. */
export function endpointPolicyOf(env: NodeJS.ProcessEnv): { allowedHosts: string[]; allowHttp: boolean } {
  return {
    allowedHosts: (env.POSTBUD_ENDPOINT_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    allowHttp: env.POSTBUD_ENDPOINT_ALLOW_HTTP === 'true',
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const candidate = {
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postbud',
    amqpUrl: env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
    port: integer(env, 'PORT', 8080),
    processes: integer(env, 'POSTBUD_GATEWAY_PROCESSES', 1),
    dataKeys: dataKeys(env.POSTBUD_DATA_KEY),
    queueSigningKeys: parseQueueSigningKeys(env.POSTBUD_QUEUE_SIGNING_KEY),
    ...(env.POSTBUD_CPR_HMAC_KEY ? { cprHmacKey: env.POSTBUD_CPR_HMAC_KEY } : {}),
    ...(env.POSTBUD_BOOTSTRAP_ADMIN_KEY ? { bootstrapAdminKey: env.POSTBUD_BOOTSTRAP_ADMIN_KEY } : {}),
    ...(env.POSTBUD_BOOTSTRAP_ADAPTER_KEY ? { bootstrapAdapterKey: env.POSTBUD_BOOTSTRAP_ADAPTER_KEY } : {}),
    amqpPrefix: env.POSTBUD_AMQP_PREFIX || 'postbud',
    retryDelaysMs: (env.POSTBUD_RETRY_DELAYS_MS || defaultRetryDelaysMs.join(','))
      .split(',')
      .map((part) => Number(part.trim())),
    limits: {
      maxFileBytes: integer(env, 'POSTBUD_MAX_FILE_BYTES', 20 * mebibyte),
      maxLetterBytes: integer(env, 'POSTBUD_MAX_LETTER_BYTES', 50 * mebibyte),
      maxImagePixels: integer(env, 'POSTBUD_MAX_IMAGE_PIXELS', 50_000_000),
      spoolMemoryBytes: integer(env, 'POSTBUD_SPOOL_MEMORY_BYTES', 16 * mebibyte),
      spoolMemoryTotalBytes: integer(env, 'POSTBUD_SPOOL_MEMORY_TOTAL_BYTES', 16 * mebibyte),
      uploadsPerClient: integer(env, 'POSTBUD_UPLOADS_PER_CLIENT', 16),
      uploadsTotal: integer(env, 'POSTBUD_UPLOADS_TOTAL', 32),
      bufferedBodiesBytes: integer(env, 'POSTBUD_BUFFERED_BODIES_BYTES', 768 * mebibyte),
    },
    http: {
      headersTimeoutMs: integer(env, 'POSTBUD_HEADERS_TIMEOUT_MS', 20_000),
      // A 50 MiB letter over a slow 2 Mbit/s line takes about 4 minutes.
      requestTimeoutMs: integer(env, 'POSTBUD_REQUEST_TIMEOUT_MS', 300_000),
      keepAliveTimeoutMs: integer(env, 'POSTBUD_KEEP_ALIVE_TIMEOUT_MS', 5_000),
      socketTimeoutMs: integer(env, 'POSTBUD_SOCKET_TIMEOUT_MS', 120_000),
      maxHeaderCount: integer(env, 'POSTBUD_MAX_HEADER_COUNT', 100),
    },
    outboxPollMs: integer(env, 'POSTBUD_OUTBOX_POLL_MS', 500),
    auditSealIntervalMs: integer(env, 'POSTBUD_AUDIT_SEAL_INTERVAL_MS', 50),
    xmlThreads: integer(env, 'POSTBUD_XML_THREADS', 1),
    rateLimit: {
      perMinute: integer(env, 'POSTBUD_RATE_LIMIT_PER_MINUTE', 600),
      burst: integer(env, 'POSTBUD_RATE_LIMIT_BURST', 120),
      adapterPerMinute: integer(env, 'POSTBUD_ADAPTER_RATE_LIMIT_PER_MINUTE', 12_000),
      failedAuthenticationsPerMinute: integer(env, 'POSTBUD_FAILED_AUTH_PER_MINUTE', 60),
    },
    backPressure: {
      maxQueueDepth: integer(env, 'POSTBUD_MAX_QUEUE_DEPTH', 10_000),
      maxOutboxBacklog: integer(env, 'POSTBUD_MAX_OUTBOX_BACKLOG', 5_000),
      retryAfterSeconds: integer(env, 'POSTBUD_BACKLOG_RETRY_AFTER_SECONDS', 30),
    },
    trustProxy: (env.POSTBUD_TRUST_PROXY ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    corsOrigins: (env.POSTBUD_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    endpoints: endpointPolicyOf(env),
    consoleSession: {
      idleMinutes: integer(env, 'POSTBUD_CONSOLE_IDLE_MINUTES', 30),
      lifetimeMinutes: integer(env, 'POSTBUD_CONSOLE_SESSION_MINUTES', 480),
    },
    logLevel: env.LOG_LEVEL || 'info',
  };
  const ajv = new Ajv({ allErrors: false });
  const validate = ajv.compile<FromSchema<typeof configSchema>>(configSchema);
  if (!validate(candidate)) {
    const error = validate.errors?.[0];
    const where = error?.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'configuration';
    throw new Error(`invalid configuration: ${where} ${error?.message ?? 'is invalid'}`);
  }
  if (candidate.http.headersTimeoutMs > candidate.http.requestTimeoutMs) {
    throw new Error('invalid configuration: POSTBUD_HEADERS_TIMEOUT_MS must not exceed POSTBUD_REQUEST_TIMEOUT_MS');
  }
  return Object.freeze(candidate);
}
