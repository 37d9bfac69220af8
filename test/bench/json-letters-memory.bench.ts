/**
 * What twelve maximum-size JSON letters arriving at once cost the gateway: peak RSS (from /proc),
 * peak heap and Buffer memory per upload in flight, and /health/live latency meanwhile.
 * `npm run bench:json-memory`; the gateway runs in a child process on a fresh database of its own.
 * POSTBUD_BENCH_ROOT names another checkout to measure (say main, for a before/after figure);
 * other POSTBUD_* settings (say POSTBUD_BUFFERED_BODIES_BYTES) go to the gateway.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const mib = 1024 * 1024;
const here = fileURLToPath(import.meta.url);
const root = process.env.POSTBUD_BENCH_ROOT ?? join(here, '../../..');
const letters = Number(process.env.BENCH_LETTERS ?? 12);

interface Peaks {
  baseline: NodeJS.MemoryUsage;
  peak: { heapUsed: number; external: number; arrayBuffers: number; rss: number };
}

/** The child: a test stack of `root`, reporting its memory peaks when told to stop. */
async function child(): Promise<void> {
  const { startTestStack } = (await import(
    pathToFileURL(join(root, 'test/support/stack.ts')).href
  )) as typeof import('../support/stack.ts');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('POSTBUD_'))) as Record<
    string,
    string
  >;
  delete env.POSTBUD_BENCH_ROOT;
  const stack = await startTestStack({ adapters: false, env: { POSTBUD_UPLOADS_PER_CLIENT: '64', ...env } });
  globalThis.gc?.();
  const baseline = process.memoryUsage();
  const peak = { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    for (const key of Object.keys(peak) as Array<keyof typeof peak>) peak[key] = Math.max(peak[key], now[key]);
  }, 20);
  console.log(JSON.stringify({ url: stack.url, senderKey: stack.senderKey }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'stop') continue;
    clearInterval(sampler);
    console.log(JSON.stringify({ baseline, peak } satisfies Peaks));
    await stack.stop();
    process.exit(0);
  }
}

function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

function post(url: string, key: string, body: Buffer): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { code?: string }).code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function liveness(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/health/live`, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - started));
      })
      .on('error', reject);
  });
}

async function parent(): Promise<void> {
  const { testFiles, testLetter, withBase64 } = await import('../support/fixtures.ts');
  // Ten files filling the letter limit (50 MiB), as three file types; testFiles adds i bytes to each.
  const maxLetterBytes = Number(process.env.POSTBUD_MAX_LETTER_BYTES ?? 50 * mib);
  const files = testFiles(10, Math.floor(maxLetterBytes / 10) - 16);
  const body = Buffer.from(JSON.stringify(testLetter({ attachments: withBase64(files) })));

  const gateway = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', here, 'child'], {
    cwd: join(here, '../../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = createInterface({ input: gateway.stdout! })[Symbol.asyncIterator]();
  const { url, senderKey } = JSON.parse((await lines.next()).value as string) as { url: string; senderKey: string };
  await liveness(url);
  const rssBefore = rssOf(gateway.pid!);

  let peakRss = rssBefore;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssOf(gateway.pid!))), 20);
  const latencies: number[] = [];
  let loading = true;
  const probe = (async () => {
    while (loading) {
      latencies.push(await liveness(url));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: letters }, () => post(url, senderKey, body)));
  const seconds = (performance.now() - started) / 1000;
  loading = false;
  await probe;
  clearInterval(rssTimer);
  gateway.stdin!.write('stop\n');
  const { baseline, peak } = JSON.parse((await lines.next()).value as string) as Peaks;
  await new Promise((resolve) => gateway.once('exit', resolve));

  const tally = new Map<string, number>();
  for (const { status, code } of answers) {
    const label = status === 202 ? '202' : `${status} ${code}`;
    tally.set(label, (tally.get(label) ?? 0) + 1);
  }
  const accepted = tally.get('202') ?? 0;
  latencies.sort((a, b) => a - b);
  const heap = peak.heapUsed - baseline.heapUsed;
  const buffers = peak.arrayBuffers - baseline.arrayBuffers;
  const fmt = (bytes: number) => `${(bytes / mib).toFixed(0)} MiB`;
  console.log(`checkout: ${root}`);
  console.log(
    `${letters} JSON letters of ${fmt(body.length)} (${files.length} files, ${fmt(maxLetterBytes)}) at once, in ${seconds.toFixed(1)} s: ${[...tally].map(([label, count]) => `${count} × ${label}`).join(', ')}`,
  );
  console.log(`gateway RSS: ${fmt(rssBefore)} idle, ${fmt(peakRss)} peak (+${fmt(peakRss - rssBefore)})`);
  console.log(
    `growth at peak: heap ${fmt(heap)}, Buffers ${fmt(buffers)}; per letter in flight (÷${Math.max(accepted, 1)} accepted): heap ${fmt(heap / Math.max(accepted, 1))}, heap + Buffers ${fmt((heap + buffers) / Math.max(accepted, 1))} (${((heap + buffers) / Math.max(accepted, 1) / body.length).toFixed(2)} × the body)`,
  );
  console.log(
    `/health/live during the load: ${latencies.length} probes, median ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
  );
}

if (process.argv[2] === 'child') await child();
else await parent();
