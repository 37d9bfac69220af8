import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestStack } from './stack.ts';
import { amqpUrl } from './stack.ts';

const entry = fileURLToPath(new URL('../../adapters/main.ts', import.meta.url));

/** The adapters as a real process of their own, so a test can SIGKILL them mid-delivery. */
export function spawnAdapters(stack: TestStack, sectors = 'region,municipality,gp', logLevel = 'silent'): ChildProcess {
  const endpoint = (sector: string) => `${stack.receiver.url}/${sector}`;
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      PATH: process.env.PATH,
      AMQP_URL: amqpUrl,
      POSTBUD_AMQP_PREFIX: stack.prefix,
      POSTBUD_GATEWAY_URL: stack.url,
      POSTBUD_ADAPTER_KEY: stack.adapterKey,
      POSTBUD_ADAPTER_SECTORS: sectors,
      POSTBUD_QUEUE_SIGNING_KEY: stack.config.queueSigningKeys.map(({ id, key }) => `${id}:${key}`).join(','),
      POSTBUD_RETRY_DELAYS_MS: stack.config.retryDelaysMs.join(','),
      REGION_ENDPOINT: endpoint('region'),
      MUNICIPALITY_ENDPOINT: endpoint('municipality'),
      GP_ENDPOINT: endpoint('gp'),
      LOG_LEVEL: logLevel,
    },
    stdio: ['ignore', logLevel === 'silent' ? 'ignore' : 'pipe', logLevel === 'silent' ? 'inherit' : 'pipe'],
  });
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
