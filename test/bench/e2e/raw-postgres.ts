import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase } from '../../support/database.ts';
import { perSecond } from './stats.ts';

/**
 * The machine's PostgreSQL without Postbud around it, on a fresh database migrated to the same
 * schema (indexes, triggers, foreign keys): what a letter's writes cost at most.
 */
export interface RawPostgres {
  /** The write transaction of an accepted letter: letter, one attachment chunk and row, outbox, audit event. */
  acceptTransactionsPerSecond: number;
  /** A letter's three write transactions (accepted, queued, delivered), one after the other. */
  lettersPerSecond: number;
  /** 1 MB bytea rows, each its own transaction. */
  byteaMegabytesPerSecond: number;
  clients: { transactions: number; bytea: number };
}

const sender = '100011000016002';
const recipient = '200011000016004';

async function runFor(pool: pg.Pool, clients: number, ms: number, work: (client: pg.PoolClient) => Promise<void>) {
  let done = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) {
          await work(client);
          done += 1;
        }
      } finally {
        client.release();
      }
    }),
  );
  return { done, elapsedMs: performance.now() - started };
}

export async function measureRawPostgres(
  seconds: number,
  clients = { transactions: 8, bytea: 4 },
): Promise<RawPostgres> {
  const database = await createTestDatabase('postbud_bench_raw');
  const pool = database.db;
  try {
    const clientId = randomUUID();
    await pool.query(`INSERT INTO api_clients (id, name, key_hash, roles) VALUES ($1, 'raw', $2, '{sender}')`, [
      clientId,
      randomBytes(32).toString('hex'),
    ]);
    for (const sorId of [sender, recipient]) {
      await pool.query(`INSERT INTO mailboxes (sor_id, name, sector) VALUES ($1, 'raw', 'municipality')`, [sorId]);
    }
    // Sealed sizes of the benchmark's 4 KB letter: template, envelope, one PDF chunk.
    const template = randomBytes(3_000);
    const envelope = randomBytes(900);
    const chunk = randomBytes(2_650);
    let seq = 0;
    const audit = (client: pg.PoolClient, letterId: string, action: string) => {
      seq += 1;
      const hash = createHash('sha256').update(`${seq}${letterId}${action}`).digest('hex');
      return client.query({
        name: 'raw-audit',
        text: `INSERT INTO audit_events (seq, at, actor_id, actor_name, action, letter_id, sor_id, details, prev_hash, hash)
               VALUES ($1, now(), NULL, 'raw', $2, $3, $4, $5, $6, $7)`,
        values: [seq, action, letterId, recipient, { sector: 'municipality', attempt: 1 }, hash, hash],
      });
    };
    const accept = async (client: pg.PoolClient): Promise<string> => {
      const letterId = randomUUID();
      await client.query('BEGIN');
      await client.query({
        name: 'raw-letter',
        text: `INSERT INTO letters (id, client_id, sender_sor_id, recipient_sor_id, recipient_ean, sector, category,
                 communication_id, status, xml_template, envelope, key_id, cpr_hmac, idempotency_key)
               VALUES ($1, $2, $3, $4, '5790000200028', 'municipality', 'psychiatry-social-disability', $5,
                 'accepted', $6, $7, 'k1', $8, $9)`,
        values: [letterId, clientId, sender, recipient, randomUUID(), template, envelope, 'c'.repeat(64), randomUUID()],
      });
      await client.query({
        name: 'raw-chunk',
        text: `INSERT INTO attachment_chunks (letter_id, position, chunk, key_id, data) VALUES ($1, 0, 0, 'k1', $2)`,
        values: [letterId, chunk],
      });
      await client.query({
        name: 'raw-attachment',
        text: `INSERT INTO attachments (letter_id, position, title, content_type, size, sha256)
               VALUES ($1, 0, 'Epikrise', 'application/pdf', 2600, $2)`,
        values: [letterId, 'a'.repeat(64)],
      });
      await client.query({
        name: 'raw-request-hash',
        text: 'UPDATE letters SET request_hash = $2 WHERE id = $1',
        values: [letterId, 'b'.repeat(64)],
      });
      await client.query({
        name: 'raw-outbox',
        text: `INSERT INTO outbox (letter_id, sector, payload) VALUES ($1, 'municipality', $2)`,
        values: [letterId, { letterId, sector: 'municipality', xmlPath: `/v1/messages/${letterId}/xml` }],
      });
      await audit(client, letterId, 'accepted');
      await client.query('COMMIT');
      return letterId;
    };
    const move = async (client: pg.PoolClient, letterId: string, to: string) => {
      await client.query({
        name: 'raw-move',
        text: 'UPDATE letters SET status = $2, updated_at = now() WHERE id = $1',
        values: [letterId, to],
      });
      await audit(client, letterId, to);
    };
    const life = async (client: pg.PoolClient) => {
      const letterId = await accept(client);
      await client.query('BEGIN');
      await client.query({
        name: 'raw-published',
        text: 'UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE letter_id = $1',
        values: [letterId],
      });
      await move(client, letterId, 'queued');
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query({
        name: 'raw-attempt',
        text: `INSERT INTO delivery_attempts (letter_id, attempt, endpoint, outcome, http_status, duration_ms)
               VALUES ($1, 1, 'http://receiver/municipality', 'delivered', 200, 3)`,
        values: [letterId],
      });
      await move(client, letterId, 'delivered');
      await client.query('COMMIT');
    };

    const ms = seconds * 1000;
    const accepted = await runFor(pool, clients.transactions, ms, async (client) => void (await accept(client)));
    const lives = await runFor(pool, clients.transactions, ms, life);

    await pool.query('CREATE TABLE raw_blobs (id bigserial PRIMARY KEY, data bytea NOT NULL)');
    const megabyte = randomBytes(1_000_000);
    const blobs = await runFor(pool, clients.bytea, ms, async (client) => {
      await client.query({ name: 'raw-blob', text: 'INSERT INTO raw_blobs (data) VALUES ($1)', values: [megabyte] });
    });
    return {
      acceptTransactionsPerSecond: perSecond(accepted.done, accepted.elapsedMs),
      lettersPerSecond: perSecond(lives.done, lives.elapsedMs),
      byteaMegabytesPerSecond: perSecond(blobs.done, blobs.elapsedMs),
      clients,
    };
  } finally {
    await database.drop();
  }
}
