import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withMallocTuning } from './platform/malloc-tuning.ts';

/**
 * `npm start`: the whole stack on one machine for development and demos — the gateway
 * (migrating first), the three sector adapters, and a demo receiving system unless real
 * endpoints are configured. Keys missing from the environment are generated once into
 * `.postbud-dev.env` (mode 0600, git-ignored) and reused on later starts.
 */
// Run from dist/ (`npm start`, after `npm run build`), the children are JavaScript on Node.js
// alone; run from the source tree (`tsx gateway/stack.ts`), they are TypeScript under tsx.
const compiled = import.meta.url.endsWith('.js');
const codeRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = compiled ? dirname(codeRoot) : codeRoot;
const devEnvFile = join(repoRoot, '.postbud-dev.env');
const nodeArgs = (file: string) =>
  compiled ? [join(codeRoot, file.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(codeRoot, file)];

function devSecrets(): Record<string, string> {
  const stored: Record<string, string> = {};
  if (existsSync(devEnvFile)) {
    for (const line of readFileSync(devEnvFile, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (match) stored[match[1]!] = match[2]!;
    }
  }
  const wanted: Record<string, () => string> = {
    POSTBUD_DATA_KEY: () => `k1:${randomBytes(32).toString('base64')}`,
    // Shared by the gateway's relay and the adapters: they deliver and report only signed messages.
    POSTBUD_QUEUE_SIGNING_KEY: () => `q1:${randomBytes(32).toString('base64')}`,
    POSTBUD_BOOTSTRAP_ADMIN_KEY: () => `pb_${randomBytes(32).toString('base64url')}`,
    POSTBUD_BOOTSTRAP_ADAPTER_KEY: () => `pb_${randomBytes(32).toString('base64url')}`,
  };
  let changed = false;
  for (const [name, make] of Object.entries(wanted)) {
    if (!stored[name] && !process.env[name]) {
      stored[name] = make();
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(
      devEnvFile,
      Object.entries(stored)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    console.log(
      `postbud: development keys written to ${devEnvFile} (the admin key is POSTBUD_BOOTSTRAP_ADMIN_KEY there)`,
    );
  }
  return stored;
}

const secrets = devSecrets();
const env: NodeJS.ProcessEnv = withMallocTuning({ ...secrets, ...process.env });
env.POSTBUD_ADAPTER_KEY ??= env.POSTBUD_BOOTSTRAP_ADAPTER_KEY;
const port = env.PORT ?? '8080';
env.POSTBUD_GATEWAY_URL ??= `http://127.0.0.1:${port}`;
const receiverPort = env.DEMO_RECEIVER_PORT ?? '8090';
const useDemoReceiver = !env.REGION_ENDPOINT && !env.MUNICIPALITY_ENDPOINT && !env.GP_ENDPOINT;
if (useDemoReceiver) {
  for (const sector of ['region', 'municipality', 'gp']) {
    env[`${sector.toUpperCase()}_ENDPOINT`] = `http://127.0.0.1:${receiverPort}/${sector}`;
  }
}

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, file: string): ChildProcess {
  const child = spawn(process.execPath, nodeArgs(file), { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`postbud: ${name} exited (${signal ?? code}); stopping the stack`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), 10_000).unref();
  Promise.all(
    children.map(
      (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('exit', resolve))),
    ),
  ).then(() => process.exit(exitCode));
}

async function waitForGateway(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !stopping) {
    const live = await fetch(`${env.POSTBUD_GATEWAY_URL}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error('the gateway did not come up within two minutes');
}

/**
 * Loads the Region Midtjylland demo directory into an empty database (`postbud directory seed`),
 * so a first `npm start` has mailboxes to search and write to. A directory with any mailbox is
 * left alone; POSTBUD_SEED_DEMO_DIRECTORY=false skips it. Tests start gateways without this file.
 */
async function seedDemoDirectory(): Promise<void> {
  if (env.POSTBUD_SEED_DEMO_DIRECTORY === 'false') return;
  const seed = spawn(process.execPath, [...nodeArgs('gateway/cli.ts'), 'directory', 'seed'], {
    env,
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => seed.on('exit', resolve));
  if (code !== 0) console.error('postbud: loading the demo directory failed; the stack runs on without it');
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('gateway', 'gateway/main.ts');
if (useDemoReceiver) run('demo receiver', 'adapters/demo-receiver.ts');
try {
  await waitForGateway();
  await seedDemoDirectory();
  run('adapters', 'adapters/main.ts');
  console.log(
    `postbud: stack running — API http://127.0.0.1:${port} (docs at /docs)${useDemoReceiver ? `, demo receiver on ${receiverPort}` : ''}`,
  );
} catch (error) {
  console.error(`postbud: ${(error as Error).message}`);
  stop(1);
}
