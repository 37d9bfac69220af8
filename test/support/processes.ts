import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { withMallocTuning } from '../../gateway/platform/malloc-tuning.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A Postbud process of its own (gateway or adapters) that a test can SIGKILL and start again: a
 * `.ts` entry runs under tsx, a `.js` one (from `npm run build`'s dist/) on Node.js alone.
 */
export class ServiceProcess {
  #child: ChildProcess | undefined;
  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Extra options for node itself, such as `--cpu-prof`. */
    private readonly nodeOptions: readonly string[] = [],
  ) {}

  /** The process id while it runs, for sampling it from /proc. */
  get pid(): number | undefined {
    const child = this.#child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  start(): void {
    const loader = this.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    this.#child = spawn(process.execPath, [...this.nodeOptions, ...loader, `${root}${this.entry}`], {
      env: withMallocTuning({ PATH: process.env.PATH, ...this.env }),
      stdio: process.env.FAULT_DEBUG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    });
  }

  /** Resolves with the exit code (null when killed by a signal). */
  exit(): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

export interface StackSecrets {
  dataKey: string;
  /** Shared by gateway and adapters: POSTBUD_QUEUE_SIGNING_KEY. */
  queueSigningKey: string;
  adminKey: string;
  adapterKey: string;
}

export const newSecrets = (): StackSecrets => ({
  dataKey: `k1:${randomBytes(32).toString('base64')}`,
  queueSigningKey: `q1:${randomBytes(32).toString('base64')}`,
  adminKey: `pb_${randomBytes(24).toString('base64url')}`,
  adapterKey: `pb_${randomBytes(24).toString('base64url')}`,
});

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A gateway process's own settings in a test stack: its database, port, data key and bootstrap clients. */
export const gatewayEnv = (secrets: StackSecrets, databaseUrl: string, port: number): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  PORT: String(port),
  POSTBUD_DATA_KEY: secrets.dataKey,
  POSTBUD_BOOTSTRAP_ADMIN_KEY: secrets.adminKey,
  POSTBUD_BOOTSTRAP_ADAPTER_KEY: secrets.adapterKey,
});

/** An adapter process's own settings: the gateway it fetches from, its key, one receiver for every sector. */
export const adapterEnv = (secrets: StackSecrets, gatewayUrl: string, receiverUrl: string): Record<string, string> => ({
  POSTBUD_GATEWAY_URL: gatewayUrl,
  POSTBUD_ADAPTER_KEY: secrets.adapterKey,
  REGION_ENDPOINT: `${receiverUrl}/region`,
  MUNICIPALITY_ENDPOINT: `${receiverUrl}/municipality`,
  GP_ENDPOINT: `${receiverUrl}/gp`,
});
