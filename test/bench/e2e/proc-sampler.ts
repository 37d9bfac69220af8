import { readdirSync, readFileSync } from 'node:fs';

/** What /proc says of processes: resident memory and CPU time. Linux only, as the benchmark is. */

const clockTicks = 100; // USER_HZ, 100 on every Linux we run on (getconf CLK_TCK)

/** Resident set size in bytes, or undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** User plus system CPU seconds the process has used so far, or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Pids whose command name is `name` (RabbitMQ's beam.smp, say). */
export function pidsNamed(name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** `pid` and its children (a gateway of several processes: the supervisor and its workers). */
export function withChildren(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    const children = tasks.flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
    return [pid, ...children];
  } catch {
    return [];
  }
}

/** Whole-machine CPU: busy and total jiffies from /proc/stat, for how idle the machine was. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Samples peak RSS of named groups of processes (summed per sample) every `everyMs` until stopped. */
export class RssSampler {
  readonly peaks = new Map<string, number>();
  #timer: NodeJS.Timeout;

  constructor(
    private readonly pids: () => Record<string, readonly number[]>,
    everyMs = 50,
  ) {
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): void {
    for (const [name, group] of Object.entries(this.pids())) {
      const sizes = group.flatMap((pid) => rssBytes(pid) ?? []);
      if (sizes.length === 0) continue;
      const rss = sizes.reduce((sum, size) => sum + size, 0);
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, rss));
    }
  }

  stop(): Map<string, number> {
    clearInterval(this.#timer);
    this.sample();
    return this.peaks;
  }
}

/** Named groups of processes, such as the gateway or the database's backends. */
export type ProcessGroups = Record<string, readonly number[]>;

/**
 * CPU time used by groups of processes over a phase. The groups are looked up again at the end:
 * a process that appeared meanwhile (a new database backend) counts from zero.
 */
export class CpuMeter {
  readonly #before = new Map<number, number>();
  readonly #machineBefore = machineCpu();

  constructor(groups: ProcessGroups) {
    for (const pids of Object.values(groups)) for (const pid of pids) this.#before.set(pid, cpuSeconds(pid) ?? 0);
  }

  /** Cores each group kept busy on average over `elapsedMs`, and the share of the whole machine that was busy. */
  stop(elapsedMs: number, groups: ProcessGroups): { cores: Record<string, number>; machineBusy: number } {
    const cores: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      let seconds = 0;
      for (const pid of pids) seconds += Math.max(0, (cpuSeconds(pid) ?? 0) - (this.#before.get(pid) ?? 0));
      cores[name] = Math.round((seconds / (elapsedMs / 1000)) * 100) / 100;
    }
    const machine = machineCpu();
    const busy = machine.busy - this.#machineBefore.busy;
    const total = machine.total - this.#machineBefore.total;
    return { cores, machineBusy: total > 0 ? Math.round((busy / total) * 100) / 100 : 0 };
  }
}
