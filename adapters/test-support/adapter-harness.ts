import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { LetterQueued } from '../../schemas/queue-messages.ts';
import { startAdapter, type AdapterOptions, type RunningAdapter } from '../kit/consumer.ts';
import { createHttpTransport } from '../kit/http-transport.ts';
import { startAmqpProxy, type AmqpProxy } from './amqp-proxy.ts';
import { createBrokerFixture, testAmqpUrl, type BrokerFixture } from './broker-fixture.ts';
import { startFakeGateway, type FakeGateway } from './fake-gateway.ts';
import { startFakeReceiver, type FakeReceiver, type Responder } from './fake-receiver.ts';

/** A CareCommunication-like letter of ~200 kB with Danish letters, so streaming and bytes matter. */
export const letterXml = Buffer.from(
  [
    '<?xml version="1.0" encoding="UTF-8"?>\n<Bundle xmlns="http://hl7.org/fhir">',
    '<entry><resource><Communication><payload><contentString value="',
    'Genoptræning efter udskrivelse: øvelser for skulder og knæ, 3 gange dagligt. '.repeat(2_600),
    '"/></payload></Communication></resource></entry></Bundle>\n',
  ].join(''),
  'utf8',
);

export interface LetterOptions {
  endpoint?: string;
  status?: string;
  xmlFailures?: number[];
  /** How many XML fetches break off halfway. */
  xmlBreaks?: number;
  /** The letter's XML, if not `letterXml`. */
  xml?: Buffer;
  /** false: the gateway does not know the letter (answers 404). */
  known?: boolean;
}

/** Everything one adapter test needs, each part real except the HTTP peers, all cleaned up. */
export interface AdapterHarness {
  broker: BrokerFixture;
  gateway: FakeGateway;
  receiver: FakeReceiver;
  /** A `gp` letter registered with the fake gateway (status `queued` unless told otherwise). */
  letter(options?: LetterOptions): LetterQueued;
  startAdapter(overrides?: Partial<AdapterOptions>): Promise<RunningAdapter>;
  startProxy(): Promise<AmqpProxy>;
  close(): Promise<void>;
}

export async function createAdapterHarness(respond?: Responder, retryDelaysMs?: number[]): Promise<AdapterHarness> {
  const broker = await createBrokerFixture(retryDelaysMs);
  const gateway = await startFakeGateway();
  const receiver = await startFakeReceiver(respond);
  const adapters: RunningAdapter[] = [];
  const proxies: AmqpProxy[] = [];
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  return {
    broker,
    gateway,
    receiver,
    letter(options = {}) {
      const letterId = randomUUID();
      if (options.known !== false) {
        gateway.letters.set(letterId, {
          xml: options.xml ?? letterXml,
          status: options.status ?? 'queued',
          ...(options.xmlFailures ? { xmlFailures: [...options.xmlFailures] } : {}),
          ...(options.xmlBreaks ? { xmlBreaks: options.xmlBreaks } : {}),
        });
      }
      return {
        letterId,
        sector: 'gp',
        recipient: {
          sorId: '485681000016005',
          ean: '5790001382445',
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        },
        xmlPath: `/v1/messages/${letterId}/xml`,
      };
    },
    async startAdapter(overrides = {}) {
      const adapter = await startAdapter({
        sector: 'gp',
        amqpUrl: testAmqpUrl,
        prefix: broker.prefix,
        retryDelaysMs: broker.retryDelaysMs,
        transport: createHttpTransport({ timeoutMs: 5_000 }),
        gateway: { url: gateway.url, key: gateway.key },
        defaultEndpoint: `${receiver.url}/gp`,
        log,
        prefetch: 4,
        signer: broker.signer,
        drainTimeoutMs: 5_000,
        statusTimeoutMs: 2_000,
        reconnect: { initialMs: 50, maxMs: 400 },
        // Off unless a test is about it: most tests here check one adapter's own guards.
        redeliveryGraceMs: 0,
        ...overrides,
      });
      adapters.push(adapter);
      return adapter;
    },
    async startProxy() {
      const proxy = await startAmqpProxy(testAmqpUrl);
      proxies.push(proxy);
      return proxy;
    },
    async close() {
      await Promise.all(adapters.map((adapter) => adapter.stop()));
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await receiver.close();
      await gateway.close();
      await broker.cleanup();
    },
  };
}
