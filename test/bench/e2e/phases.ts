import type { BenchStack } from './bench-stack.ts';
import { closedLoop, openLoop, type Submission, type Submitter } from './load.ts';
import type { LetterBody } from './letters.ts';
import { backendPids, PgActivitySampler } from './pg-activity.ts';
import { CpuMeter, pidsNamed, RssSampler, withChildren, type ProcessGroups } from './proc-sampler.ts';
import type { ReceiverTally } from './receiver-tally.ts';
import { perSecond, round, summarise, type LatencySummary } from './stats.ts';

/** What every phase reports besides its own figures: where the machine's time went. */
export interface PhaseProfile {
  /** Average cores kept busy per component (RabbitMQ is shared with whatever else runs). */
  cpuCores: Record<string, number>;
  machineBusy: number;
  /** Average number of the database's backends per state (pg_stat_activity, every 100 ms). */
  postgresBackends: Record<string, number>;
  peakRssMb: Record<string, number>;
  /** The longest the audit trail's sealing was behind (sampled every 100 ms). */
  maxSealingLagSeconds: number;
}

export interface PhaseResult {
  load: string;
  seconds: number;
  sent: number;
  accepted: number;
  /** Answers other than 202, by status (0: no answer). */
  refused: Record<string, number>;
  acceptedPerSecond: number;
  /** Letters of this phase at the receiver, per second from the phase's start to the last arrival. */
  deliveredPerSecond: number;
  delivered: number;
  /** Letters accepted but not yet at the receiver when the load stopped. */
  backlogAtEnd: number;
  /** Seconds from the end of the load until the last letter arrived. */
  drainSeconds: number;
  acceptMs: LatencySummary;
  endToEndMs: LatencySummary;
  profile: PhaseProfile;
}

export interface PhaseContext {
  stack: BenchStack;
  tally: ReceiverTally;
  submitter: Submitter;
  /** Every letter answered 202 in the whole run, for the loss and duplicate check. */
  accepted: Set<string>;
  drainTimeoutMs: number;
}

const mb = (bytes: number) => Math.round(bytes / 1_000_000);

async function processGroups(ctx: PhaseContext): Promise<ProcessGroups> {
  return {
    gateway: withChildren(ctx.stack.gateway.pid),
    adapters: withChildren(ctx.stack.adapters.pid),
    postgres: await backendPids(ctx.stack.database.db, ctx.stack.database.name),
    rabbitmq: pidsNamed('beam.smp'),
    'bench (load + receiver)': [process.pid],
  };
}

/** Runs `load` with every sampler on, waits for its letters to arrive, and sums it up. */
async function measure(
  ctx: PhaseContext,
  name: string,
  load: () => Promise<Submission[]>,
): Promise<PhaseResult & { submissions: Submission[] }> {
  const cpu = new CpuMeter(await processGroups(ctx));
  const waits = new PgActivitySampler(ctx.stack.database.db, ctx.stack.database.name);
  const rss = new RssSampler(() => ({
    gateway: withChildren(ctx.stack.gateway.pid),
    adapters: withChildren(ctx.stack.adapters.pid),
  }));
  const started = performance.now();
  const submissions = await load();
  const loadEnded = performance.now();
  const cpuUse = cpu.stop(loadEnded - started, await processGroups(ctx));
  const postgresBackends = waits.stop();
  const ids = submissions.flatMap((s) => (s.letterId ? [s.letterId] : []));
  for (const id of ids) ctx.accepted.add(id);
  ctx.tally.update();
  const backlogAtEnd = ids.filter((id) => ctx.tally.firstArrival(id) === undefined).length;
  await ctx.tally.waitForAll(ids, ctx.drainTimeoutMs);
  const peaks = rss.stop();

  const arrivals = ids.flatMap((id) => {
    const at = ctx.tally.firstArrival(id);
    return at === undefined ? [] : [at];
  });
  const lastArrival = arrivals.reduce((latest, at) => Math.max(latest, at), started);
  const refused: Record<string, number> = {};
  for (const s of submissions) if (s.status !== 202) refused[s.status] = (refused[s.status] ?? 0) + 1;
  const accepted = submissions.filter((s) => s.status === 202);
  return {
    load: name,
    seconds: round((loadEnded - started) / 1000),
    sent: submissions.length,
    accepted: ids.length,
    refused,
    acceptedPerSecond: perSecond(ids.length, loadEnded - started),
    deliveredPerSecond: perSecond(arrivals.length, lastArrival - started),
    delivered: arrivals.length,
    backlogAtEnd,
    drainSeconds: round(Math.max(0, lastArrival - loadEnded) / 1000),
    acceptMs: summarise(accepted.map((s) => s.answeredAt - s.sentAt)),
    endToEndMs: summarise(
      accepted.flatMap((s) => {
        const at = ctx.tally.firstArrival(s.letterId!);
        // The receiver may hear of a letter before its sender has read the 202: that is 0.
        return at === undefined ? [] : [Math.max(0, at - s.answeredAt)];
      }),
    ),
    profile: {
      cpuCores: cpuUse.cores,
      machineBusy: cpuUse.machineBusy,
      postgresBackends,
      peakRssMb: Object.fromEntries([...peaks].map(([k, v]) => [k, mb(v)])),
      maxSealingLagSeconds: waits.maxSealingLagSeconds,
    },
    submissions,
  };
}

const strip = <T extends { submissions: Submission[] }>({ submissions: _s, ...rest }: T) => rest;

export async function closedLoopPhase(
  ctx: PhaseContext,
  body: LetterBody,
  clients: number,
  seconds: number,
): Promise<PhaseResult & { clients: number }> {
  const result = await measure(ctx, `${body.name}, ${clients} clients, closed loop`, () =>
    closedLoop(ctx.submitter, body, clients, seconds * 1000),
  );
  return { ...strip(result), clients };
}

export interface OpenLoopPhaseResult extends PhaseResult {
  offeredPerSecond: number;
  skipped: number;
  peakInFlight: number;
  keptUp: boolean;
}

/**
 * Kept up: every letter due was sent and answered 202, the accepted rate is within 2 % of the
 * offered one, and the last letter reached the receiver within 2 s of the load's end.
 */
export async function openLoopPhase(
  ctx: PhaseContext,
  body: LetterBody,
  perSecondOffered: number,
  seconds: number,
): Promise<OpenLoopPhaseResult> {
  let skipped = 0;
  let peakInFlight = 0;
  const result = await measure(ctx, `${body.name}, open loop ${perSecondOffered}/s`, async () => {
    const run = await openLoop(ctx.submitter, body, perSecondOffered, seconds * 1000);
    skipped = run.skipped;
    peakInFlight = run.peakInFlight;
    return run.submissions;
  });
  const keptUp =
    skipped === 0 &&
    result.accepted === result.sent &&
    result.acceptedPerSecond >= perSecondOffered * 0.98 &&
    result.delivered === result.accepted &&
    result.drainSeconds <= 2;
  return { ...strip(result), offeredPerSecond: perSecondOffered, skipped, peakInFlight, keptUp };
}

export interface LargeLetterPhaseResult extends PhaseResult {
  clients: number;
  megabytesPerSecond: number;
  letterMegabytes: number;
  /** The gateway's V8 heap plus external buffers (its /metrics, every 200 ms): before the load and at its peak. */
  gatewayHeapMb: { before: number; peak: number };
  /** (peak − before) ÷ uploads in flight ÷ the letter's attachment bytes. */
  heapPerUploadInLetters: number;
}

async function gatewayHeapBytes(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^postbud_nodejs_${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1]);
    const total = metric('heap_size_used_bytes') + metric('external_memory_bytes');
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

export async function largeLetterPhase(
  ctx: PhaseContext,
  body: LetterBody,
  clients: number,
  seconds: number,
): Promise<LargeLetterPhaseResult> {
  const before = (await gatewayHeapBytes(ctx.stack.url)) ?? 0;
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await gatewayHeapBytes(ctx.stack.url)) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const result = await measure(ctx, `${body.name}, ${clients} clients`, async () => {
    try {
      return await closedLoop(ctx.submitter, body, clients, seconds * 1000);
    } finally {
      sampling = false;
    }
  });
  await sampler;
  return {
    ...strip(result),
    clients,
    megabytesPerSecond: round((result.acceptedPerSecond * body.attachmentBytes) / 1_000_000),
    letterMegabytes: round(body.attachmentBytes / 1_000_000),
    gatewayHeapMb: { before: mb(before), peak: mb(peak) },
    heapPerUploadInLetters: round((peak - before) / clients / body.attachmentBytes),
  };
}

/** A short run whose figures are not kept: connections made, code warmed up. */
export async function warmUp(ctx: PhaseContext, body: LetterBody): Promise<void> {
  const submissions = await closedLoop(ctx.submitter, body, 8, 2_000);
  const ids = submissions.flatMap((s) => (s.letterId ? [s.letterId] : []));
  for (const id of ids) ctx.accepted.add(id);
  if (ids.length === 0) throw new Error(`warm-up: no letter was accepted (answers: ${submissions[0]?.status})`);
  if (!(await ctx.tally.waitForAll(ids, ctx.drainTimeoutMs))) throw new Error('warm-up: letters did not arrive');
}
