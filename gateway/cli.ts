#!/usr/bin/env -S node --import tsx
import { migrate } from './migrate.ts';

/**
 * `postbud` — the operators' command line. Each command reads the same environment as the
 * gateway (DATABASE_URL, …) and prints one result line, or one error line and exit code 1.
 */
const commands: Record<string, { usage: string; run(args: string[]): Promise<void> }> = {
  migrate: {
    usage: 'postbud migrate — apply pending database migrations',
    async run() {
      const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postbud';
      const applied = await migrate(url);
      console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
    },
  },
};

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(`usage:\n${Object.values(commands).map((c) => `  ${c.usage}`).join('\n')}`);
  process.exit(name ? 1 : 0);
}
try {
  await command.run(args);
} catch (error) {
  console.error(`postbud ${name}: ${(error as Error).message}`);
  process.exit(1);
}
