import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntil } from './processes.ts';

const run = promisify(execFile);

/** Debian installs the real scripts here; /usr/sbin's wrappers would switch to the rabbitmq user. */
const binDir = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin/' : '';

export interface RabbitNode {
  /** Erlang node name, e.g. `pbt3f9a1@localhost`. */
  name: string;
  amqpPort: number;
  distPort: number;
  /** `amqp://guest:guest@127.0.0.1:<port>`. */
  url: string;
}

export interface RabbitCluster {
  nodes: readonly RabbitNode[];
  /** `AMQP_URL` listing every node. */
  amqpUrl: string;
  /** Milliseconds from the first `rabbitmq-server` to three running, clustered nodes. */
  startupMs: number;
  /** SIGKILLs the node's Erlang VM: no goodbye to clients or peers, as when its machine dies. */
  kill(node: RabbitNode): Promise<void>;
  /** Starts a killed or stopped node again and waits until it is back in the cluster. */
  restart(node: RabbitNode): Promise<void>;
  /** Runs `rabbitmqctl` against one node (with the cluster's cookie); resolves with its output. */
  ctl(node: RabbitNode, ...args: string[]): Promise<string>;
  /** Names of the cluster's running nodes, as `cluster_status` reports them. */
  runningNodes(): Promise<string[]>;
  /** Stops every node and removes their data directories. */
  stop(): Promise<void>;
}

/**
 * Three RabbitMQ nodes clustered on this machine, for tests that must lose a broker node. Each
 * node has its own name (random per run), ports, data and log directories under a temporary
 * directory, its own empty plugin list and config, and an Erlang cookie of its own, so nothing
 * here can reach, join or disturb the machine's own node (rabbit@localhost on 5672).
 */
export async function startRabbitCluster(size = 3): Promise<RabbitCluster> {
  const started = Date.now();
  const base = await mkdtemp(join(tmpdir(), 'postbud-rabbit-'));
  const cookieHome = join(base, 'home');
  await mkdir(cookieHome);
  await writeFile(join(cookieHome, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase());
  await chmod(join(cookieHome, '.erlang.cookie'), 0o400);
  await writeFile(join(base, 'enabled_plugins'), '[].\n');
  await writeFile(join(base, 'rabbitmq-env.conf'), '');
  const runId = randomBytes(3).toString('hex');
  const nodes: RabbitNode[] = [];
  for (let index = 1; index <= size; index += 1) {
    const amqpPort = await freePort();
    const distPort = await freePort();
    const name = `pbt${runId}n${index}@localhost`;
    await writeFile(
      join(base, `${index}.conf`),
      [
        `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
        // The test clients connect as guest over 127.0.0.1, which RabbitMQ allows by default.
        'log.console = false',
        'log.file.level = warning',
        // A node restarted after SIGKILL waits for its peers; a short wait keeps a failed test short.
        'mnesia_table_loading_retry_timeout = 10000',
        '',
      ].join('\n'),
    );
    nodes.push({ name, amqpPort, distPort, url: `amqp://guest:guest@127.0.0.1:${amqpPort}` });
  }

  const envOf = (node: RabbitNode): NodeJS.ProcessEnv => {
    const index = nodes.indexOf(node) + 1;
    return {
      PATH: process.env.PATH,
      HOME: cookieHome,
      LANG: 'C.UTF-8',
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(node.amqpPort),
      RABBITMQ_DIST_PORT: String(node.distPort),
      RABBITMQ_MNESIA_BASE: join(base, 'mnesia'),
      RABBITMQ_LOG_BASE: join(base, 'log'),
      RABBITMQ_PID_FILE: pidFileOf(node),
      RABBITMQ_CONFIG_FILE: join(base, `${index}.conf`),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(base, 'enabled_plugins'),
      RABBITMQ_CONF_ENV_FILE: join(base, 'rabbitmq-env.conf'),
      RABBITMQ_ALLOW_INPUT: '',
    };
  };

  const ctl = async (node: RabbitNode, ...args: string[]): Promise<string> => {
    const { stdout } = await run(`${binDir}rabbitmqctl`, ['-q', '-n', node.name, ...args], {
      env: envOf(node),
      timeout: 60_000,
    });
    return stdout;
  };

  const boot = async (node: RabbitNode): Promise<void> => {
    await run(`${binDir}rabbitmq-server`, ['-detached'], { env: envOf(node), timeout: 30_000 });
  };

  // `await_startup` gives up at once on a node not yet registered with epmd, so ping first.
  const awaitStartup = async (node: RabbitNode): Promise<void> => {
    await waitUntil(`${node.name} to answer`, async () => (await ctl(node, 'ping'), true), 60_000, 250);
    await ctl(node, 'await_startup', '--timeout', '60');
  };

  const pidFileOf = (node: RabbitNode) => join(base, `${nodes.indexOf(node) + 1}.pid`);

  const runningNodes = async (): Promise<string[]> => {
    for (const node of nodes) {
      const status = await ctl(node, 'cluster_status', '--formatter', 'json').catch(() => undefined);
      if (status) return (JSON.parse(status) as { running_nodes: string[] }).running_nodes;
    }
    return [];
  };

  const osPid = async (node: RabbitNode): Promise<number> => {
    const answer = await ctl(node, 'eval', 'os:getpid().');
    const pid = Number(answer.replace(/[^0-9]/g, ''));
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no OS pid for ${node.name}: ${answer}`);
    return pid;
  };

  const pids = new Map<RabbitNode, number>();
  const cluster: RabbitCluster = {
    nodes,
    amqpUrl: nodes.map((node) => node.url).join(','),
    startupMs: 0,
    async kill(node) {
      const pid = pids.get(node) ?? (await osPid(node));
      process.kill(pid, 'SIGKILL');
      pids.delete(node);
      await waitUntil(`${node.name} to die`, async () => !isAlive(pid), 10_000, 50);
    },
    async restart(node) {
      await boot(node);
      await awaitStartup(node);
      pids.set(node, await osPid(node));
      await waitUntil(`${node.name} back in the cluster`, async () => (await runningNodes()).includes(node.name));
    },
    ctl,
    runningNodes,
    async stop() {
      for (const node of nodes) {
        // The pid file is written early in boot, so even a node that never answered is found.
        const pid = pids.get(node) ?? Number((await readFile(pidFileOf(node), 'utf8').catch(() => '')).trim());
        await ctl(node, 'stop').catch(() => undefined);
        if (pid) {
          await waitUntil(`${node.name} to exit`, async () => !isAlive(pid), 15_000, 100).catch(() => undefined);
          if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        }
      }
      await rm(base, { recursive: true, force: true });
    },
  };

  try {
    const [first, ...others] = nodes as [RabbitNode, ...RabbitNode[]];
    await Promise.all(nodes.map(boot));
    await Promise.all(nodes.map(awaitStartup));
    for (const node of others) {
      await ctl(node, 'stop_app');
      await ctl(node, 'join_cluster', first.name);
      await ctl(node, 'start_app');
    }
    await waitUntil('three running cluster nodes', async () => (await runningNodes()).length === size, 60_000, 250);
    for (const node of nodes) pids.set(node, await osPid(node));
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw error;
  }
  cluster.startupMs = Date.now() - started;
  return cluster;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
