/**
 * `npm run bench:e2e`: the whole stack under load, end to end, beside the raw limits of the same
 * machine. Starts a gateway and the adapters as processes of their own (fresh database, own queue
 * prefix, rate limits off) and a receiving system here that answers 200 at once, then measures:
 *
 *   - closed loop: 32 clients sending 4 KB JSON letters with one PDF;
 *   - open loop: 100 and 300 letters/s, whatever the answers;
 *   - ten 1 MB PDFs a letter, 4 clients, as multipart and as JSON;
 *   - the raw engines: a letter-shaped PostgreSQL transaction, 1 MB bytea inserts, RabbitMQ
 *     persistent publishing with confirms to a quorum queue;
 *
 * and checks every letter answered 202 reached the receiver exactly once. Prints a table and
 * writes bench-results/e2e-<time>.json. It is a benchmark: it fails only when a letter was lost
 * or duplicated, never on a figure.
 *
 * Settings (environment): BENCH_SECONDS (each phase, default 30), BENCH_RAW_SECONDS (each raw
 * measurement, default 10), BENCH_PHASES (any of raw,closed,open,multipart,json; default all),
 * BENCH_CLIENTS (closed loop, default 32), BENCH_OPEN_RATES (default 100,300), BENCH_LOG_LEVEL
 * (the stack's, default info), BENCH_CPU_PROF=1 (V8 CPU profiles of gateway and adapters into
 * bench-results/), BENCH_DRAIN_SECONDS (how long to wait for letters to arrive, default 120).
 * POSTBUD_* variables are passed on to the stack.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBenchStack } from './bench-stack.ts';
import { createSubmitter } from './load.ts';
import { largeJsonLetter, largeMultipartLetter, smallJsonLetter } from './letters.ts';
import { closedLoopPhase, largeLetterPhase, openLoopPhase, warmUp, type PhaseContext } from './phases.ts';
import { measureRawPostgres } from './raw-postgres.ts';
import { measureRawRabbitMq } from './raw-rabbitmq.ts';
import { ReceiverTally } from './receiver-tally.ts';
import { formatReport, ratiosOf, targetsOf, writeReport, type BenchReport } from './report.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const seconds = number('BENCH_SECONDS', 30);
const rawSeconds = number('BENCH_RAW_SECONDS', Math.min(10, seconds));
const clients = number('BENCH_CLIENTS', 32);
const drainTimeoutMs = number('BENCH_DRAIN_SECONDS', 120) * 1000;
const openRates = (process.env.BENCH_OPEN_RATES ?? '100,300').split(',').map(Number);
const phases = new Set((process.env.BENCH_PHASES ?? 'raw,closed,open,multipart,json').split(','));
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
const at = new Date().toISOString();
const resultsDir = `${root}bench-results`;

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const tuning = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('POSTBUD_'))) as Record<
  string,
  string
>;
const report: BenchReport = {
  at,
  commit: commit(),
  machine: {
    cpus: cpus().length,
    node: process.version,
    postgres: '?',
    rabbitmq: '?',
    loadAverageBefore: loadavg().map((n) => Math.round(n * 100) / 100),
  },
  settings: { seconds, rawSeconds, logLevel, tuning },
  raw: {},
  openLoop: [],
  large: [],
  integrity: { accepted: 0, lost: 0, duplicated: 0, unexpected: 0 },
  ratios: [],
  targets: [],
};

const say = (line: string) => console.log(`[bench] ${line}`);

if (phases.has('raw')) {
  say(`raw PostgreSQL (${rawSeconds} s each)…`);
  report.raw.postgres = await measureRawPostgres(rawSeconds);
  say(`raw RabbitMQ (${rawSeconds} s)…`);
  report.raw.rabbitmq = await measureRawRabbitMq(`benchraw${process.pid}`, rawSeconds);
  report.machine.rabbitmq = report.raw.rabbitmq.version;
}

say('starting the stack…');
const stack = await startBenchStack({
  logLevel,
  cpuProfileDir: process.env.BENCH_CPU_PROF ? `${resultsDir}/prof-${at.replace(/[:.]/g, '-')}` : undefined,
});
const submitter = createSubmitter(stack.url, stack.senderKey);
const ctx: PhaseContext = {
  stack,
  tally: new ReceiverTally(stack.receiver),
  submitter,
  accepted: new Set(),
  drainTimeoutMs,
};
try {
  report.machine.postgres = (
    await stack.database.db.query<{ v: string }>("SELECT current_setting('server_version') AS v")
  ).rows[0]!.v;
  const small = smallJsonLetter();
  await warmUp(ctx, small);
  if (phases.has('closed')) {
    say(`closed loop, ${clients} clients, ${seconds} s…`);
    report.closedLoop = await closedLoopPhase(ctx, small, clients, seconds);
  }
  if (phases.has('multipart')) {
    say(`10 × 1 MB multipart, 4 clients, ${seconds} s…`);
    report.large.push(await largeLetterPhase(ctx, largeMultipartLetter(), 4, seconds));
  }
  if (phases.has('json')) {
    say(`10 × 1 MB JSON, 4 clients, ${seconds} s…`);
    report.large.push(await largeLetterPhase(ctx, largeJsonLetter(), 4, seconds));
  }
  // The open loops last: at 300/s the stack falls behind and the gateway's heap grows to its
  // peak, which it keeps for a while; large letters measured after it showed that phase's memory.
  if (phases.has('open')) {
    for (const rate of openRates) {
      say(`open loop ${rate}/s, ${seconds} s…`);
      report.openLoop.push(await openLoopPhase(ctx, small, rate, seconds));
    }
  }
  // Late copies would show up now: give them a moment before counting.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  report.integrity = ctx.tally.check(ctx.accepted);
} finally {
  submitter.close();
  say('stopping the stack, removing its database and queues…');
  await stack.stop();
}

report.ratios = ratiosOf(report);
report.targets = targetsOf(report);
console.log(`\n${formatReport(report)}\n`);
say(`written to ${writeReport(report, resultsDir)}`);
if (report.integrity.lost > 0 || report.integrity.duplicated > 0 || report.integrity.unexpected > 0) {
  console.error('[bench] letters were lost or duplicated');
  process.exit(1);
}
