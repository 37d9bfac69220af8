import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const request = 'postbud:cluster-metrics-request';
const response = 'postbud:cluster-metrics-response';
const timeoutMs = 5_000;

interface MetricsMessage {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
}

/**
 * Metrics of a gateway run as several processes: whichever worker a scrape reaches asks the
 * primary, which collects every worker's registry (prom-client's AggregatorRegistry: counters and
 * histograms summed, gauges as each declares) and answers with one exposition for the machine.
 */
export function serveClusterMetricsFromPrimary(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== request) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: response, id: message.id, text }),
      (error: Error) => worker.send({ type: response, id: message.id, error: error.message }),
    );
  });
}

/** In a worker: answers the primary's collection with `registry`, returns a scrape function. */
export function clusterMetricsOfWorker(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // registers the worker's answer to the primary's collection
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type !== response || message.id === undefined) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.text ?? '');
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the gateway primary did not answer for metrics'));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send?.({ type: request, id });
    });
}
