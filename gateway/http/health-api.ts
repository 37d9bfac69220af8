import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';

/** Liveness, readiness (PostgreSQL and RabbitMQ reachable) and Prometheus metrics, unauthenticated. */
export function healthRoutes({ db, broker, metrics }: AppDeps): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const postgres = await db
      .query('SELECT 1')
      .then(() => true)
      .catch(() => false);
    const rabbitmq = broker.isConnected();
    const ready = postgres && rabbitmq;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { postgres, rabbitmq } });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.scrape());
  });
  return router;
}
