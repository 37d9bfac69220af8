import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>`, for `createTestDatabase`. */
  serverUrl: string;
  /** Stops the server (fast shutdown, as an operator's restart), waits `downMs`, starts it again. */
  restart(downMs?: number, whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL installed by Debian's packages, e.g. /usr/lib/postgresql/15/bin. */
function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * A PostgreSQL server of a test's own, in a temporary data directory on a free port, for a test
 * that restarts PostgreSQL: the machine's server (5432) is shared by every test run on this
 * machine and must never go down under them. PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dataDir = await mkdtemp(join(tmpdir(), 'postbud-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await uidOf('postgres');
    await chown(dataDir, uid, gid);
  }
  const as = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: dataDir })
      : run(command, args, { cwd: dataDir });
  const port = await freePort();
  await as(`${bin}/initdb`, ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dataDir}`,
    // A throwaway server: durability across a machine crash is not what the tests check.
    '-c fsync=off',
    '-c max_connections=200',
  ].join(' ');
  const start = () =>
    as(`${bin}/pg_ctl`, ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options, '-w', 'start']);
  const stopServer = (mode: string) => as(`${bin}/pg_ctl`, ['-D', dataDir, '-m', mode, '-w', 'stop']);
  await start();
  return {
    serverUrl: `postgres://postgres@127.0.0.1:${port}`,
    async restart(downMs = 1000, whileDown = async () => undefined) {
      await stopServer('fast');
      try {
        await whileDown();
        await new Promise((resolve) => setTimeout(resolve, downMs));
      } finally {
        await start();
      }
    },
    async stop() {
      await stopServer('immediate').catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
