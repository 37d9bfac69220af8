import { parseArgs } from 'node:util';
import { createPool } from '../platform/db.ts';
import { purgeLetters } from '../letters/letter-retention.ts';
import { runAsSingleton } from '../platform/singleton-lease.ts';
import { databaseUrlOf, type CliCommand } from './command.ts';

/**
 * `postbud purge --older-than 180d [--dry-run]`: removes the content of letters older than the
 * period (their audit events stay, and each purge is itself an audit event) and prints
 * `{ cutoff, purged, dryRun }`.
 */
export const purgeCommand: CliCommand = {
  usage:
    'postbud purge --older-than <N>d|<N>h [--dry-run] — remove letter XML and attachments past retention; audit stays',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: { 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' } },
    });
    const olderThan = values['older-than'];
    if (!olderThan) throw new Error('--older-than is required, e.g. --older-than 180d');
    const databaseUrl = databaseUrlOf(env);
    const db = createPool(databaseUrl, 2);
    try {
      const purge = () => purgeLetters(db, { olderThan, dryRun: values['dry-run'] ?? false });
      // One purge at a time however many machines schedule it.
      console.log(JSON.stringify(await runAsSingleton(databaseUrl, 'postbud retention purge', purge)));
    } finally {
      await db.end();
    }
  },
};
