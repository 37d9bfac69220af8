import { mkdirSync, writeFileSync } from 'node:fs';
import type { LargeLetterPhaseResult, OpenLoopPhaseResult, PhaseResult } from './phases.ts';
import type { RawPostgres } from './raw-postgres.ts';
import type { RawRabbitMq } from './raw-rabbitmq.ts';

export interface BenchReport {
  at: string;
  commit: string;
  machine: { cpus: number; node: string; postgres: string; rabbitmq: string; loadAverageBefore: number[] };
  settings: { seconds: number; rawSeconds: number; logLevel: string; tuning: Record<string, string> };
  raw: { postgres?: RawPostgres; rabbitmq?: RawRabbitMq };
  closedLoop?: PhaseResult & { clients: number };
  openLoop: OpenLoopPhaseResult[];
  large: LargeLetterPhaseResult[];
  integrity: { accepted: number; lost: number; duplicated: number; unexpected: number };
  ratios: Array<{ figure: string; value: number; raw: string; rawValue: number; ratio: number }>;
  targets: Array<{ target: string; measured: string; met: boolean }>;
}

/** Each Postbud figure beside the raw limit it is bounded by. */
export function ratiosOf(report: BenchReport): BenchReport['ratios'] {
  const ratios: BenchReport['ratios'] = [];
  const add = (figure: string, value: number | undefined, raw: string, rawValue: number | undefined) => {
    if (value === undefined || rawValue === undefined || rawValue === 0) return;
    ratios.push({ figure, value, raw, rawValue, ratio: Math.round((value / rawValue) * 1000) / 1000 });
  };
  const { postgres, rabbitmq } = report.raw;
  const closed = report.closedLoop;
  add(
    '4 KB accepted/s',
    closed?.acceptedPerSecond,
    'PostgreSQL accept-shaped transactions/s',
    postgres?.acceptTransactionsPerSecond,
  );
  add(
    '4 KB delivered/s',
    closed?.deliveredPerSecond,
    'PostgreSQL letter lives/s (3 transactions)',
    postgres?.lettersPerSecond,
  );
  // A letter is two messages on the broker: the letter to its sector queue and the adapter's receipt.
  add(
    '4 KB delivered/s × 2 messages',
    closed ? closed.deliveredPerSecond * 2 : undefined,
    'RabbitMQ confirmed persistent messages/s',
    rabbitmq?.confirmedMessagesPerSecond,
  );
  for (const large of report.large) {
    add(
      `${large.load}: MB/s`,
      large.megabytesPerSecond,
      'PostgreSQL 1 MB bytea MB/s',
      postgres?.byteaMegabytesPerSecond,
    );
  }
  return ratios;
}

/** The targets, as measured in this run (information, never a test failure). */
export function targetsOf(report: BenchReport): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  const closed = report.closedLoop;
  if (closed) {
    const low = Math.min(closed.acceptedPerSecond, closed.deliveredPerSecond);
    targets.push({
      target: '4 KB: ≥ 500 letters/s accepted and delivered',
      measured: `${closed.acceptedPerSecond} / ${closed.deliveredPerSecond}`,
      met: low >= 500,
    });
  }
  const at300 = report.openLoop.find((phase) => phase.offeredPerSecond === 300);
  if (at300) {
    targets.push({
      target: '300/s offered: accept p99 < 50 ms',
      measured: `${at300.acceptMs.p99} ms`,
      met: at300.acceptMs.p99 < 50 && at300.keptUp,
    });
    targets.push({
      target: '300/s offered: end-to-end p99 < 1 s',
      measured: `${at300.endToEndMs.p99} ms`,
      met: at300.endToEndMs.p99 < 1000 && at300.keptUp,
    });
  }
  const multipart = report.large.find((phase) => phase.load.includes('multipart'));
  if (multipart) {
    targets.push({
      target: '10 × 1 MB multipart: ≥ 6 letters/s',
      measured: `${multipart.acceptedPerSecond}/s`,
      met: multipart.acceptedPerSecond >= 6,
    });
    const bytea = report.raw.postgres?.byteaMegabytesPerSecond;
    if (bytea) {
      targets.push({
        target: '10 × 1 MB multipart: ≥ 40 % of raw bytea MB/s',
        measured: `${Math.round((multipart.megabytesPerSecond / bytea) * 100)} %`,
        met: multipart.megabytesPerSecond >= 0.4 * bytea,
      });
    }
    targets.push({
      target: '10 × 1 MB multipart, 4 in flight: gateway peak RSS < 300 MB',
      measured: `${multipart.profile.peakRssMb.gateway} MB`,
      met: (multipart.profile.peakRssMb.gateway ?? Infinity) < 300,
    });
  }
  const json = report.large.find((phase) => phase.load.includes('JSON'));
  if (json) {
    targets.push({
      target: '10 × 1 MB JSON: heap per upload in flight ≤ 2 × the letter',
      measured: `${json.heapPerUploadInLetters} ×`,
      met: json.heapPerUploadInLetters <= 2,
    });
  }
  return targets;
}

const ms = (summary: { p50: number; p99: number }) => `${summary.p50} / ${summary.p99} ms`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const refusedText = (refused: Record<string, number>) =>
  Object.entries(refused)
    .map(([status, n]) => `${status === '0' ? 'no answer' : status}×${n}`)
    .join(', ') || '—';

export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  out.push(
    `Postbud bench:e2e ${report.at} (commit ${report.commit}), ${report.machine.cpus} CPUs, ` +
      `node ${report.machine.node}, PostgreSQL ${report.machine.postgres}, RabbitMQ ${report.machine.rabbitmq}; ` +
      `phases of ${report.settings.seconds} s, load average before ${report.machine.loadAverageBefore.join(' ')}`,
  );
  const rows: string[][] = [];
  if (report.closedLoop) {
    const c = report.closedLoop;
    rows.push([
      c.load,
      String(c.acceptedPerSecond),
      String(c.deliveredPerSecond),
      ms(c.acceptMs),
      ms(c.endToEndMs),
      `${c.profile.peakRssMb.gateway ?? '?'} / ${c.profile.peakRssMb.adapters ?? '?'} MB`,
      refusedText(c.refused),
    ]);
  }
  for (const o of report.openLoop) {
    rows.push([
      `${o.load}${o.keptUp ? ' (kept up)' : ' (fell behind)'}`,
      String(o.acceptedPerSecond),
      String(o.deliveredPerSecond),
      `${ms(o.acceptMs)} (max ${o.acceptMs.max})`,
      ms(o.endToEndMs),
      `${o.profile.peakRssMb.gateway ?? '?'} / ${o.profile.peakRssMb.adapters ?? '?'} MB`,
      refusedText(o.refused) + (o.skipped ? `, ${o.skipped} not sent` : ''),
    ]);
  }
  for (const l of report.large) {
    rows.push([
      `${l.load} (${l.megabytesPerSecond} MB/s)`,
      String(l.acceptedPerSecond),
      String(l.deliveredPerSecond),
      ms(l.acceptMs),
      ms(l.endToEndMs),
      `${l.profile.peakRssMb.gateway ?? '?'} / ${l.profile.peakRssMb.adapters ?? '?'} MB`,
      refusedText(l.refused),
    ]);
  }
  out.push(
    '',
    table(
      [
        'load',
        'accepted/s',
        'delivered/s',
        'accept p50 / p99',
        'end to end p50 / p99',
        'peak RSS gateway / adapters',
        'not 202',
      ],
      rows,
    ),
  );
  const { postgres, rabbitmq } = report.raw;
  if (postgres || rabbitmq) {
    out.push('', 'Raw limits of this machine (same run):');
    if (postgres)
      out.push(
        `  PostgreSQL: ${postgres.acceptTransactionsPerSecond} accept-shaped transactions/s and ${postgres.lettersPerSecond} letter lives/s (${postgres.clients.transactions} clients); 1 MB bytea ${postgres.byteaMegabytesPerSecond} MB/s (${postgres.clients.bytea} clients)`,
      );
    if (rabbitmq)
      out.push(
        `  RabbitMQ: ${rabbitmq.confirmedMessagesPerSecond} persistent 2 KB messages/s confirmed on a quorum queue (window ${rabbitmq.window})`,
      );
  }
  if (report.ratios.length > 0) {
    out.push(
      '',
      table(
        ['Postbud figure', 'value', 'raw limit', 'raw', 'ratio'],
        report.ratios.map((r) => [
          r.figure,
          String(r.value),
          r.raw,
          String(r.rawValue),
          `${(r.ratio * 100).toFixed(1)} %`,
        ]),
      ),
    );
  }
  const profiles = [report.closedLoop, ...report.openLoop, ...report.large].filter((p) => p !== undefined);
  if (profiles.length > 0) {
    out.push('', 'Where the time went (cores busy per component; PostgreSQL backends by state, average):');
    for (const p of profiles) {
      const cores = Object.entries(p.profile.cpuCores)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const pg = Object.entries(p.profile.postgresBackends)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      out.push(
        `  ${p.load}: ${cores}; machine ${Math.round(p.profile.machineBusy * 100)} % busy; audit sealing lag at most ${p.profile.maxSealingLagSeconds} s`,
        `    postgres: ${pg}`,
      );
    }
  }
  const i = report.integrity;
  out.push(
    '',
    `Letters: ${i.accepted} answered 202, ${i.lost} lost, ${i.duplicated} delivered twice, ${i.unexpected} unexpected at the receiver`,
  );
  if (report.targets.length > 0) {
    out.push(
      '',
      table(
        ['target', 'measured', 'met'],
        report.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'no']),
      ),
    );
  }
  return out.join('\n');
}

/** Writes the JSON beside earlier runs; the folder is git-ignored. */
export function writeReport(report: BenchReport, folder: string): string {
  mkdirSync(folder, { recursive: true });
  const file = `${folder}/e2e-${report.at.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
