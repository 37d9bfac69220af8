/**
 * What a shared rate limit costs: takes a second from one connection (latency of the upsert) and
 * from 16 concurrent callers, spread over 100 clients and all on one client (one hot row).
 * `npx tsx test/bench/rate-limit.bench.ts`; uses a database of its own.
 */
import { SharedTokenBuckets } from '../../gateway/http/rate-limit-store.ts';
import { createPool } from '../../gateway/platform/db.ts';
import { createTestDatabase } from '../support/database.ts';

const database = await createTestDatabase('postbud_bench');
const db = createPool(database.url, 16);
const buckets = new SharedTokenBuckets(db, 60_000_000, 1_000_000);

async function run(label: string, callers: number, keyOf: (i: number) => string, takes = 4_000): Promise<void> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < takes) await buckets.take(keyOf(next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${Math.round(takes / seconds)} takes/s, ${((seconds * 1000 * callers) / takes).toFixed(2)} ms each`,
  );
}

try {
  await run('warm-up', 4, (i) => `client:${i % 100}`, 1_000);
  await run('1 caller, 100 clients', 1, (i) => `client:${i % 100}`);
  await run('16 callers, 100 clients', 16, (i) => `client:${i % 100}`);
  await run('16 callers, 1 client', 16, () => 'client:hot');
} finally {
  await db.end();
  await database.drop();
}
