import type { Db } from '../../gateway/platform/db.ts';
import { waitUntil } from './processes.ts';

/**
 * Waits until the gateway's sealer has given every audit event its place in the chain. Tests that
 * read `seq` or `hash` straight from the table call it first; the API and `audit verify` seal
 * what is pending themselves.
 */
export async function waitForSealedTrail(db: Db, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    'every audit event to be sealed',
    async () => (await db.query('SELECT 1 FROM audit_events WHERE seq IS NULL LIMIT 1')).rowCount === 0,
    timeoutMs,
    20,
  );
}
