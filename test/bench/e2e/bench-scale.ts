/**
 * `npm run bench:scale`: the same stack as `bench:e2e` with 1 and then 2 gateway processes
 * (POSTBUD_GATEWAY_PROCESSES), back to back on this machine: a closed loop of 4 KB letters and an
 * open loop at a fixed rate each. Prints one line per process count and writes
 * bench-results/scale-<time>.json. Like bench:e2e it fails only when a letter was lost or duplicated.
 *
 * Settings: BENCH_GATEWAY_PROCESSES (default 1,2), BENCH_SECONDS (each phase, default 20),
 * BENCH_CLIENTS (default 32), BENCH_OPEN_RATES (default 300), BENCH_LOG_LEVEL (default warn),
 * BENCH_DRAIN_SECONDS (default 120). POSTBUD_* variables are passed on to the stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBenchStack } from './bench-stack.ts';
import { createSubmitter } from './load.ts';
import { smallJsonLetter } from './letters.ts';
import { closedLoopPhase, openLoopPhase, warmUp, type OpenLoopPhaseResult, type PhaseResult } from './phases.ts';
import { ReceiverTally } from './receiver-tally.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map(Number);
const processCounts = list('BENCH_GATEWAY_PROCESSES', '1,2');
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const clients = Number(process.env.BENCH_CLIENTS ?? 32);
const openRates = list('BENCH_OPEN_RATES', '300');
const drainTimeoutMs = Number(process.env.BENCH_DRAIN_SECONDS ?? 120) * 1000;
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const say = (line: string) => console.log(`[bench:scale] ${line}`);

interface ScaleRun {
  gatewayProcesses: number;
  closedLoop: PhaseResult & { clients: number };
  openLoop: OpenLoopPhaseResult[];
  integrity: { accepted: number; lost: number; duplicated: number; unexpected: number };
}

const runs: ScaleRun[] = [];
for (const gatewayProcesses of processCounts) {
  say(`${gatewayProcesses} gateway process(es): starting the stack…`);
  const stack = await startBenchStack({ logLevel, gatewayProcesses });
  const submitter = createSubmitter(stack.url, stack.senderKey);
  const ctx = {
    stack,
    tally: new ReceiverTally(stack.receiver),
    submitter,
    accepted: new Set<string>(),
    drainTimeoutMs,
  };
  try {
    const small = smallJsonLetter();
    await warmUp(ctx, small);
    say(`closed loop, ${clients} clients, ${seconds} s…`);
    const closedLoop = await closedLoopPhase(ctx, small, clients, seconds);
    const openLoop: OpenLoopPhaseResult[] = [];
    for (const rate of openRates) {
      say(`open loop ${rate}/s, ${seconds} s…`);
      openLoop.push(await openLoopPhase(ctx, small, rate, seconds));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    runs.push({ gatewayProcesses, closedLoop, openLoop, integrity: ctx.tally.check(ctx.accepted) });
  } finally {
    submitter.close();
    await stack.stop();
  }
}

const lines = [
  'processes | load | accepted/s | delivered/s | accept p50 / p99 ms | end to end p50 / p99 ms | gateway cores',
];
for (const run of runs) {
  for (const phase of [run.closedLoop, ...run.openLoop]) {
    lines.push(
      [
        run.gatewayProcesses,
        phase.load,
        phase.acceptedPerSecond,
        phase.deliveredPerSecond,
        `${phase.acceptMs.p50} / ${phase.acceptMs.p99}`,
        `${phase.endToEndMs.p50} / ${phase.endToEndMs.p99}`,
        phase.profile.cpuCores.gateway,
      ].join(' | '),
    );
  }
  const { lost, duplicated, unexpected } = run.integrity;
  lines.push(`${run.gatewayProcesses} | lost ${lost}, duplicated ${duplicated}, unexpected ${unexpected}`);
}
console.log(`\n${lines.join('\n')}\n`);
const at = new Date().toISOString();
mkdirSync(`${root}bench-results`, { recursive: true });
const file = `${root}bench-results/scale-${at.replace(/[:.]/g, '-')}.json`;
const machine = { cpus: cpus().length, node: process.version, loadAverageBefore: loadavg() };
writeFileSync(file, JSON.stringify({ at, machine, settings: { seconds, clients, openRates }, runs }, null, 2));
say(`written to ${file}`);
if (runs.some((run) => run.integrity.lost + run.integrity.duplicated + run.integrity.unexpected > 0)) {
  console.error('[bench:scale] letters were lost or duplicated');
  process.exit(1);
}
