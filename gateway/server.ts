import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { bootstrapClients } from './clients/bootstrap-clients.ts';
import { connectBroker, type Broker } from './platform/broker.ts';
import type { Config } from './platform/config.ts';
import { createVault } from './platform/crypto.ts';
import { createPool, type Db } from './platform/db.ts';
import { createGuardedServer } from './http/connection-guards.ts';
import type { Logger } from './platform/log.ts';
import { createMetrics } from './platform/metrics.ts';
import { prepareLetterXmlCheck } from './medcom/letter-xml-check.ts';
import { letterXmlThreads } from './medcom/letter-xml-threads.ts';
import { migrate } from './platform/migrate.ts';
import { startOutboxRelay, type OutboxRelay } from './delivery/outbox-relay.ts';
import { startReceiptConsumer } from './delivery/receipt-consumer.ts';
import { startAuditSealer, type AuditSealer } from './audit/audit-sealer.ts';
import { unsealedBacklog } from './audit/audit-store.ts';
import { spoolMemoryOf } from './letters/spool-memory.ts';
import { uploadSlotsOf } from './http/upload-slots.ts';
import { createQueueSigner } from '../schemas/queue-signature.ts';

export interface RunningGateway {
  server: Server;
  port: number;
  db: Db;
  broker: Broker;
  relay: OutboxRelay;
  sealer: AuditSealer;
  stop(): Promise<void>;
}

/**
 * What every gateway of a database does once before serving: migrate it and create the
 * bootstrap clients. A gateway of several processes has its primary do this before it forks.
 */
export async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  await migrate(config.databaseUrl);
  const db = createPool(config.databaseUrl, 1);
  try {
    const created = await bootstrapClients(db, config);
    if (created.length > 0) log.info({ clients: created }, 'bootstrap clients created');
  } finally {
    await db.end();
  }
}

export interface GatewayRole {
  /** One of several processes under a supervisor: the database is prepared, metrics are joint. */
  clusterWorker: boolean;
}

/**
 * Starts one gateway process: prepare the database (unless a supervisor did), connect, then
 * serve HTTP, relay the outbox, consume receipts and seal the audit trail. `stop()` stops
 * accepting, lets in-flight requests finish, then closes the relay, the broker, the sealer and
 * the pool, in that order.
 */
export async function startGateway(
  config: Config,
  log: Logger,
  { clusterWorker }: GatewayRole = { clusterWorker: false },
): Promise<RunningGateway> {
  if (!clusterWorker) await prepareDatabase(config, log);
  const db = createPool(config.databaseUrl);
  const topology = { prefix: config.amqpPrefix, retryDelaysMs: config.retryDelaysMs };
  const broker = await connectBroker(config.amqpUrl, topology, log);
  // Letter-XML threads compile the XML check for themselves; this thread then never runs it.
  if (config.xmlThreads === 0) prepareLetterXmlCheck();

  const signer = createQueueSigner(config.queueSigningKeys);
  const relay = startOutboxRelay(db, broker, { prefix: config.amqpPrefix, signer, pollMs: config.outboxPollMs, log });
  startReceiptConsumer(db, broker, { prefix: config.amqpPrefix, signer, log });
  // A connection of its own, so a queue of requests waiting for the pool never holds up sealing.
  const sealerDb = createPool(config.databaseUrl, 1);
  const sealer = startAuditSealer(sealerDb, { intervalMs: config.auditSealIntervalMs, log });
  const spoolMemory = spoolMemoryOf(config.limits);
  const uploadSlots = uploadSlotsOf(config.limits);
  const letterXml = config.xmlThreads > 0 ? letterXmlThreads({ threads: config.xmlThreads, log }) : undefined;
  const app = createApp({
    db,
    broker,
    config,
    log,
    vault: createVault(config),
    metrics: createMetrics({
      auditBacklog: () => unsealedBacklog(db),
      spoolMemoryBytes: () => spoolMemory.usedBytes,
      uploadsInFlight: () => uploadSlots.inFlight,
      clusterWorker,
    }),
    spoolMemory,
    uploadSlots,
    ...(letterXml ? { letterXml } : {}),
    onLetterStored: () => relay.nudge(),
  });
  // Slow-loris guard: a client must send its headers and body within bounded time (config.http).
  const server = createGuardedServer(config.http, app);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0');
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port }, 'gateway listening');

  return {
    server,
    port,
    db,
    broker,
    relay,
    sealer,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await letterXml?.close();
      await relay.stop();
      await broker.close();
      await sealer.stop();
      await sealerDb.end();
      await db.end();
    },
  };
}
