import { parseArgs } from 'node:util';
import { createPool } from '../platform/db.ts';
import { purgeLetters } from '../letters/letter-retention.ts';
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
    const db = createPool(databaseUrlOf(env), 2);
    try {
      console.log(JSON.stringify(await purgeLetters(db, { olderThan, dryRun: values['dry-run'] ?? false })));
    } finally {
      await db.end();
    }
  },
};
