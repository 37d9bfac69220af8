import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './log.ts';

export interface SupervisorOptions {
  processes: number;
  log: Logger;
  /** How long workers may take to finish their requests once asked to stop. */
  stopTimeoutMs?: number;
}

// A worker that dies this soon after it was started, this many times in a row, has a fault that
// no restart cures (a port taken, a database refusing it): the supervisor then stops.
const quickDeathMs = 10_000;
const quickDeathsAllowed = 5;

/**
 * The primary process of a gateway started with `POSTBUD_GATEWAY_PROCESSES` above 1. It forks
 * that many workers, which share one listening port (node:cluster hands each new connection to
 * the next worker), replaces a worker that dies, and on SIGTERM or SIGINT asks every worker to
 * stop and exits once all have. The primary serves nothing itself.
 */
export function superviseWorkers({ processes, log, stopTimeoutMs = 25_000 }: SupervisorOptions): void {
  const alive = new Map<Worker, number>();
  let stopping = false;
  let exitCode = 0;
  let quickDeaths = 0;

  const fork = () => {
    if (stopping) return;
    alive.set(cluster.fork(), Date.now());
  };

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (alive.size === 0) process.exit(exitCode);
    for (const worker of alive.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of alive.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, stopTimeoutMs + 5_000).unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    const startedAt = alive.get(worker) ?? Date.now();
    alive.delete(worker);
    if (stopping) {
      if (alive.size === 0) process.exit(exitCode);
      return;
    }
    quickDeaths = Date.now() - startedAt < quickDeathMs ? quickDeaths + 1 : 0;
    log.error({ worker: worker.process.pid, code, signal, quickDeaths }, 'gateway worker exited');
    if (quickDeaths >= quickDeathsAllowed) {
      log.fatal({ quickDeaths }, 'gateway workers keep dying at start-up; stopping');
      stopAll(1);
      return;
    }
    // Backs off while workers die young, so a crash loop does not spin the machine.
    setTimeout(fork, Math.min(5_000, 100 * 2 ** quickDeaths));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log.info({ signal, workers: alive.size }, 'gateway stopping');
      stopAll(0);
    });
  }

  for (let i = 0; i < processes; i += 1) fork();
  log.info({ processes }, 'gateway supervisor started');
}
