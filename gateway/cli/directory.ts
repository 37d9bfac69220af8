import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { endpointPolicyOf } from '../platform/config.ts';
import { createPool } from '../platform/db.ts';
import {
  importDirectory,
  seedDemoDirectoryIfEmpty,
  type DirectoryImportOutcome,
} from '../directory/directory-import.ts';
import { ProblemError } from '../platform/problem.ts';
import { databaseUrlOf, type CliCommand } from './command.ts';

const usage =
  'postbud directory import FILE [--dry-run] [--all-or-nothing] [--deactivate-missing] [--json] | seed — import an SOR extract (CSV); seed loads the Midtjylland demo into an empty directory';

/** Who ran the command, for the mailbox history and the audit trail. */
function operator(command: string): { id: null; name: string } {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry in some containers; the command name still says where the change came from.
  }
  return { id: null, name: `postbud directory ${command} (${user})` };
}

function printReport(report: DirectoryImportOutcome, file: string): void {
  const verb = report.dryRun
    ? 'dry run, nothing written'
    : report.committed
      ? 'imported'
      : 'nothing written (all-or-nothing)';
  console.log(
    `${file}: ${report.rows} rows — ${verb}: created ${report.created}, updated ${report.updated}, deactivated ${report.deactivated}, ` +
      `unchanged ${report.unchanged}, rejected ${report.rejected.length}`,
  );
  if (report.ignoredColumns) console.log(`ignored columns: ${report.ignoredColumns.join(', ')}`);
  for (const missing of report.deactivatedMissing ?? []) {
    console.log(`  missing from the extract, deactivated: SOR ${missing.sorId} ${missing.name}`);
  }
  for (const rejection of report.rejected) {
    console.log(`  line ${rejection.line}${rejection.sorId ? ` (SOR ${rejection.sorId})` : ''}: ${rejection.reason}`);
  }
}

/**
 * `postbud directory import` writes through the same import as `POST /v1/directory/import`, with
 * the same report and audit event. Exit code 0 when every row was taken, 2 when rows were
 * rejected (the others written, or nothing with --all-or-nothing), 1 when the file was unusable.
 */
export const directoryCommand: CliCommand = {
  usage,
  async run(args, env) {
    const [action, ...rest] = args;
    const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
    const files = rest.filter((arg) => !arg.startsWith('--'));
    const known = new Set(['--dry-run', '--all-or-nothing', '--deactivate-missing', '--json']);
    const unknown = [...flags].filter((flag) => !known.has(flag));
    if (
      !((action === 'import' && files.length === 1) || (action === 'seed' && files.length === 0)) ||
      unknown.length > 0
    ) {
      throw new Error(`usage: ${usage}`);
    }
    const db = createPool(databaseUrlOf(env), 2);
    try {
      if (action === 'seed') {
        const report = await seedDemoDirectoryIfEmpty(db, operator('seed'));
        console.log(
          report.skipped
            ? 'directory not empty; demo seed skipped'
            : `demo directory loaded: ${report.created} mailboxes`,
        );
        return;
      }
      const file = files[0]!;
      const csv = await readFile(file, 'utf8');
      const report = await importDirectory(db, csv, operator('import'), {
        endpoints: endpointPolicyOf(env),
        dryRun: flags.has('--dry-run'),
        allOrNothing: flags.has('--all-or-nothing'),
        deactivateMissing: flags.has('--deactivate-missing'),
        source: 'cli',
      }).catch((error: unknown) => {
        throw error instanceof ProblemError ? new Error(error.detail ?? error.title) : error;
      });
      if (flags.has('--json')) console.log(JSON.stringify(report, null, 2));
      else printReport(report, file);
      if (report.rejected.length > 0) process.exitCode = 2;
    } finally {
      await db.end();
    }
  },
};
