import { migrate } from '../platform/migrate.ts';
import { databaseUrlOf, type CliCommand } from './command.ts';

export const migrateCommand: CliCommand = {
  usage: 'postbud migrate — apply pending database migrations',
  async run(_args, env) {
    const applied = await migrate(databaseUrlOf(env));
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
  },
};
