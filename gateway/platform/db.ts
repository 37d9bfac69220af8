import pg from 'pg';

export type Db = pg.Pool;
export type Tx = pg.PoolClient;
// Declared once, by the directory (the lower module), for both: anything a query can run on.
export type { Queryable } from '../../routing/directory.ts';

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process;
  // the pool drops it and the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * An open transaction on a connection of its own. `commit()` or `rollback()` ends it and gives
 * the connection back; after the first, both are no-ops. A failed ROLLBACK (the connection is
 * gone) is not an error: the server has ended the transaction anyway.
 */
export interface Transaction {
  readonly tx: Tx;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function beginTransaction(db: Db): Promise<Transaction> {
  const tx = await db.connect();
  // The pool listens for errors only on idle clients: a connection PostgreSQL ends while the
  // transaction waits between statements (a restart while the relay awaits the broker's confirm)
  // would be an unhandled 'error' that kills the process. Its next statement fails instead.
  let lost: Error | undefined;
  const onError = (error: Error) => (lost = error);
  tx.on('error', onError);
  const giveBack = (destroy = false) => {
    tx.off('error', onError);
    tx.release(destroy || lost !== undefined);
  };
  try {
    await tx.query('BEGIN');
  } catch (error) {
    giveBack(true);
    throw error;
  }
  let ended = false;
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (ended) return;
    ended = true;
    try {
      await tx.query(sql);
    } catch (error) {
      if (sql === 'COMMIT') {
        await tx.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      giveBack();
    }
  };
  return { tx, commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
}

/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const transaction = await beginTransaction(db);
  try {
    const result = await work(transaction.tx);
    await transaction.commit();
    return result;
  } finally {
    await transaction.rollback();
  }
}

/** Creates the database named in `databaseUrl` when it is missing (first start on a new machine). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL names an unusable database: ${name}`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // Two processes starting at once may both try to create it.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}
