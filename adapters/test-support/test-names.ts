import { randomBytes } from 'node:crypto';

/**
 * A queue prefix of one test run's own: `pbt_<kind>_<time>_<random>`. The time (base 36
 * milliseconds) lets a later run recognise what a killed run left on the machine's broker and
 * remove it (test/support/stale-sweep.ts).
 */
export function testQueuePrefix(kind: string): string {
  return `pbt_${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

const stampedQueue = /^pbt_[a-z]+_([0-9a-z]{8,9})_[0-9a-f]{6}\./;
const stampedDatabase = /^[a-z][a-z_]*_([0-9a-z]{8,9})_[0-9a-f]{8}$/;

/** When the run that made `name` started, or undefined for a name no test run makes. */
export function stampOf(name: string, kind: 'queue' | 'database'): number | undefined {
  const match = (kind === 'queue' ? stampedQueue : stampedDatabase).exec(name);
  return match ? parseInt(match[1]!, 36) : undefined;
}
