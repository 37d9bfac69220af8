#!/usr/bin/env -S node --import tsx
import { auditCommand } from './cli/audit.ts';
import { clientsCommand } from './cli/clients.ts';
import type { CliCommand } from './cli/command.ts';
import { directoryCommand } from './cli/directory.ts';
import { keysCommand } from './cli/keys.ts';
import { migrateCommand } from './cli/migrate.ts';
import { purgeCommand } from './cli/purge.ts';

/**
 * `postbud` — the operators' command line. Each command reads the same environment as the
 * gateway (DATABASE_URL, …) and prints its result, or one error line and exit code 1.
 */
const commands: Record<string, CliCommand> = {
  migrate: migrateCommand,
  audit: auditCommand,
  purge: purgeCommand,
  keys: keysCommand,
  clients: clientsCommand,
  directory: directoryCommand,
};

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(
    `usage:\n${Object.values(commands)
      .map((c) => `  ${c.usage}`)
      .join('\n')}`,
  );
  process.exit(name ? 1 : 0);
}
try {
  await command.run(args, process.env);
} catch (error) {
  console.error(`postbud ${name}: ${(error as Error).message}`);
  process.exit(1);
}
