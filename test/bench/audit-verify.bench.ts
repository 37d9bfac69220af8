/**
 * How long `verify` takes over a large trail, and in how much memory.
 *
 *   npx tsx test/bench/audit-verify.bench.ts [events=1000000] [batchSize=10000]
 *
 * Creates its own database (test/support/database.ts), writes a chain of letter events hashed
 * exactly as gateway/audit/audit-trail.ts hashes them (multi-row INSERT through unnest: the append-only
 * trigger only refuses UPDATE and DELETE), then times verifyAuditChain and drops the database.
 */
import { randomUUID } from 'node:crypto';
import { eventHash, genesisHash } from '../../gateway/audit/audit-trail.ts';
import { verifyAuditChain } from '../../gateway/audit/audit-verify.ts';
import { createTestDatabase } from '../support/database.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const batchSize = Number(process.argv[3] ?? 10_000);
const insertBatch = 10_000;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The four events of a delivered, acknowledged letter, with details shaped like the real ones. */
function letterEvent(seq: number) {
  switch (seq % 4) {
    case 1:
      return {
        action: 'accepted',
        actorName: 'EPJ Psykiatri',
        sorId: '200011000016004',
        details: {
          senderSorId: '100011000016002',
          recipientSorId: '200011000016004',
          recipientEan: '5790000200028',
          sector: 'municipality',
          category: 'psychiatry-social-disability',
          attachments: [{ size: 48_213, sha256: 'ab'.repeat(32) }],
        },
      };
    case 2:
      return { action: 'queued', actorName: 'postbud', sorId: null, details: {} };
    case 3:
      return {
        action: 'delivered',
        actorName: 'adapter:municipality',
        sorId: null,
        details: { attempt: 1, endpoint: 'https://nexus.example/medcom', httpStatus: 200, durationMs: 37 },
      };
    default:
      return { action: 'acknowledged', actorName: 'Nexus Testby', sorId: null, details: { outcome: 'positive' } };
  }
}

async function fillTrail(db: Awaited<ReturnType<typeof createTestDatabase>>['db']): Promise<void> {
  const start = Date.UTC(2026, 0, 1);
  let prevHash = genesisHash;
  let letterId = randomUUID();
  for (let first = 1; first <= total; first += insertBatch) {
    const columns: unknown[][] = Array.from({ length: 10 }, () => []);
    for (let seq = first; seq < Math.min(first + insertBatch, total + 1); seq += 1) {
      if (seq % 4 === 1) letterId = randomUUID();
      const kind = letterEvent(seq);
      const body = {
        seq,
        at: new Date(start + seq * 25).toISOString(),
        actorId: null,
        actorName: kind.actorName,
        action: kind.action,
        letterId,
        sorId: kind.sorId,
        details: kind.details,
      };
      const hash = eventHash(prevHash, body);
      const row = [
        seq,
        body.at,
        null,
        body.actorName,
        body.action,
        letterId,
        body.sorId,
        JSON.stringify(body.details),
        prevHash,
        hash,
      ];
      row.forEach((value, i) => columns[i]!.push(value));
      prevHash = hash;
    }
    await db.query(
      `INSERT INTO audit_events (seq, at, actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash)
       SELECT * FROM unnest($1::int8[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::jsonb[], $9::text[], $10::text[])`,
      columns,
    );
  }
}

const database = await createTestDatabase();
try {
  const filling = Date.now();
  await fillTrail(database.db);
  await database.db.query('VACUUM ANALYZE audit_events');
  const size = (await database.db.query('SELECT pg_total_relation_size($1) AS bytes', ['audit_events'])).rows[0].bytes;
  console.log(
    `wrote ${total.toLocaleString('en')} chained events in ${((Date.now() - filling) / 1000).toFixed(1)} s (table with indexes: ${mib(Number(size))})`,
  );

  // Flush the bulk write first, so verify measures reading the trail, not writing it back.
  await database.db.query('CHECKPOINT');
  for (const run of ['first run (cold cache)', 'second run (warm cache)']) {
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 20);
    const started = process.hrtime.bigint();
    const result = await verifyAuditChain(database.db, {}, { batchSize });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    if (!result.ok || result.checked !== total) throw new Error(`verify disagrees: ${JSON.stringify(result)}`);
    console.log(
      `verify, ${run}: ${result.checked.toLocaleString('en')} events in ${seconds.toFixed(2)} s = ` +
        `${Math.round(result.checked / seconds).toLocaleString('en')} events/s (batch ${batchSize}); ` +
        `RSS ${mib(rssBefore)} before, peak ${mib(peakRss)}; peak heap ${mib(peakHeap)}`,
    );
  }
  console.log(`process max RSS ${mib(process.resourceUsage().maxRSS * 1024)} (includes writing the trail)`);
} finally {
  await database.drop();
}
