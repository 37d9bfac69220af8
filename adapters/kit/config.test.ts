import { describe, expect, it } from 'vitest';
import { loadAdapterConfig } from './config.ts';

const key = 'secret-adapter-key-123';
const signing = `q1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('adapter configuration from the environment', () => {
  it('needs only the adapter key and the queue signing key, and fills in the documented defaults', () => {
    const config = loadAdapterConfig({ POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing });
    expect(config).toEqual({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      prefix: 'postbud',
      gatewayUrl: 'http://127.0.0.1:8080',
      adapterKey: key,
      endpoints: {},
      retryDelaysMs: [1000, 5000, 30000, 120000],
      deliveryTimeoutMs: 30000,
      sectors: ['region', 'municipality', 'gp'],
      prefetch: 32,
      redeliveryGraceMs: 10000,
      queueSigningKeys: [{ id: 'q1', key: signing.slice(3) }],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads sector endpoints, sectors and retry delays', () => {
    const config = loadAdapterConfig({
      POSTBUD_ADAPTER_KEY: key,
      POSTBUD_QUEUE_SIGNING_KEY: signing,
      GP_ENDPOINT: 'https://gp.example.dk/medcom',
      POSTBUD_ADAPTER_SECTORS: 'gp, region',
      POSTBUD_RETRY_DELAYS_MS: '50, 100',
      POSTBUD_GATEWAY_URL: 'http://gateway:8080/',
    });
    expect(config.endpoints).toEqual({ gp: 'https://gp.example.dk/medcom' });
    expect(config.sectors).toEqual(['gp', 'region']);
    expect(config.retryDelaysMs).toEqual([50, 100]);
    expect(config.gatewayUrl).toBe('http://gateway:8080');
  });

  it('takes the nodes of a RabbitMQ cluster as a comma-separated AMQP_URL', () => {
    const nodes = 'amqp://postbud:pw@rabbit1:5672, amqp://postbud:pw@rabbit2:5672,amqp://postbud:pw@rabbit3:5672';
    const config = loadAdapterConfig({ POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, AMQP_URL: nodes });
    expect(config.amqpUrl).toBe(nodes);
  });

  it('fails with one line naming the variable, never its value', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'POSTBUD_ADAPTER_KEY is required'],
      [
        { POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, POSTBUD_RETRY_DELAYS_MS: '1000,soon' },
        'POSTBUD_RETRY_DELAYS_MS must be',
      ],
      [
        { POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, POSTBUD_DELIVERY_TIMEOUT_MS: '30s' },
        'POSTBUD_DELIVERY_TIMEOUT_MS must be',
      ],
      [
        { POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, REGION_ENDPOINT: 'sftp://region.example.dk' },
        'REGION_ENDPOINT must be an http(s) URL',
      ],
      [
        { POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, POSTBUD_ADAPTER_SECTORS: 'gp,dentist' },
        'POSTBUD_ADAPTER_SECTORS must be',
      ],
      [
        { POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: signing, AMQP_URL: 'http://guest:hemmelig@broker' },
        'AMQP_URL must be',
      ],
      [
        {
          POSTBUD_ADAPTER_KEY: key,
          POSTBUD_QUEUE_SIGNING_KEY: signing,
          AMQP_URL: 'amqp://guest:hemmelig@rabbit1,,amqp://guest:hemmelig@rabbit2',
        },
        'AMQP_URL must be an amqp(s):// URL or a comma-separated list of them',
      ],
      [{ POSTBUD_ADAPTER_KEY: key }, 'POSTBUD_QUEUE_SIGNING_KEY is required'],
      [{ POSTBUD_ADAPTER_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: 'q1:hemmelig' }, 'POSTBUD_QUEUE_SIGNING_KEY is required'],
    ];
    for (const [env, expected] of cases) {
      const error = (() => {
        try {
          loadAdapterConfig(env);
        } catch (thrown) {
          return thrown as Error;
        }
        throw new Error(`accepted ${JSON.stringify(env)}`);
      })();
      expect(error.message).toContain(expected);
      expect(error.message).not.toContain('\n');
      expect(error.message).not.toContain(key);
      expect(error.message).not.toContain('hemmelig');
    }
  });
});
