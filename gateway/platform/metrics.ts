import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetricsOfWorker } from './cluster-metrics.ts';

export interface MetricSources {
  /** How far the audit trail's sealing is behind: read from the database when scraped. */
  auditBacklog?: () => Promise<{ lagSeconds: number; count: number }>;
  /** Sealed bytes the letters arriving now hold in memory (letters/spool-memory.ts). */
  spoolMemoryBytes?: () => number;
  /** Letters arriving now (http/upload-slots.ts); at POSTBUD_UPLOADS_TOTAL, more get 503. */
  uploadsInFlight?: () => number;
  /** A worker of several gateway processes: a scrape answers for all of them (cluster-metrics.ts). */
  clusterWorker?: boolean;
}

/** Prometheus metrics of one gateway. Labels carry codes and sectors, never personal data. */
export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'postbud_' });
  const { auditBacklog, spoolMemoryBytes, uploadsInFlight, clusterWorker = false } = sources;
  if (uploadsInFlight)
    new Gauge({
      name: 'postbud_uploads_in_flight',
      help: 'Letters arriving or being taken in now; at POSTBUD_UPLOADS_TOTAL, more are answered 503 server-busy',
      registers: [registry],
      aggregator: 'sum',
      collect() {
        this.set(uploadsInFlight());
      },
    });
  if (spoolMemoryBytes)
    new Gauge({
      name: 'postbud_spool_memory_bytes',
      help: 'Sealed attachment bytes of letters still arriving held in memory (the rest wait in temporary files)',
      registers: [registry],
      aggregator: 'sum',
      collect() {
        this.set(spoolMemoryBytes());
      },
    });
  if (auditBacklog) {
    // A database that cannot be asked leaves the last values in place rather than failing the scrape.
    const read = () => auditBacklog().catch(() => undefined);
    new Gauge({
      name: 'postbud_audit_sealing_lag_seconds',
      help: 'Age of the oldest audit event not yet sealed into the hash chain (0 when all are)',
      registers: [registry],
      aggregator: 'max', // every process reads the same database
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.lagSeconds);
      },
    });
    new Gauge({
      name: 'postbud_audit_unsealed_events',
      help: 'Audit events written but not yet sealed into the hash chain',
      registers: [registry],
      aggregator: 'max',
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.count);
      },
    });
  }
  return {
    registry,
    /** The exposition a scrape of /metrics answers. */
    scrape: clusterWorker ? clusterMetricsOfWorker(registry) : () => registry.metrics(),
    httpRequests: new Counter({
      name: 'postbud_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'postbud_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    lettersAccepted: new Counter({
      name: 'postbud_letters_accepted_total',
      help: 'Letters accepted, by sector',
      labelNames: ['sector'] as const,
      registers: [registry],
    }),
    lettersRefused: new Counter({
      name: 'postbud_letters_refused_total',
      help: 'Letter submissions refused, by problem code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
