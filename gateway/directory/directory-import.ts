import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DirectoryImportReport } from '../../schemas/directory.ts';
import { applyImport, ImportFileError, readImportFile, type ImportFile } from '../../routing/import.ts';
import { directoryIsEmpty, lockDirectoryForImport } from '../../routing/import-store.ts';
import { endpointRefusal, type EndpointPolicy } from '../../routing/endpoint-policy.ts';
import { appendAuditEvents, type Actor } from '../audit/audit-trail.ts';
import { beginTransaction, type Db } from '../platform/db.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * The SOR import (routing/import.ts) as one transaction, for the API, the CLI and the demo seed
 * alike, with one `mailbox-imported` audit event. A dry run, or an all-or-nothing import with a
 * rejected row, does all the same work and then rolls back, so its report is exactly what a real
 * run would have done.
 */

export interface DirectoryImportOptions {
  /** Where endpoints may point; rows naming another are rejected. */
  endpoints?: EndpointPolicy;
  dryRun?: boolean;
  allOrNothing?: boolean;
  /** Close the mailboxes of earlier SOR imports that this extract no longer lists (off unless asked). */
  deactivateMissing?: boolean;
  /** Write only into an empty directory (the demo seed); otherwise answer `skipped`. */
  onlyIfEmpty?: boolean;
  /** Where the file came from, for the audit trail. */
  source: 'api' | 'cli' | 'demo-seed';
}

export type DirectoryImportOutcome = DirectoryImportReport & { skipped?: true };

export const demoDirectoryFile = fileURLToPath(new URL('../../routing/demo/midtjylland.csv', import.meta.url));

/** Rows whose endpoint the policy refuses become rejections with the reason, never imported. */
function withEndpointPolicy(file: ImportFile, policy: EndpointPolicy | undefined): ImportFile {
  if (!policy) return file;
  const candidates: ImportFile['candidates'] = [];
  const rejected = [...file.rejected];
  for (const candidate of file.candidates) {
    const endpoint = candidate.row.endpoint;
    const refusal = typeof endpoint === 'string' ? endpointRefusal(endpoint, policy) : undefined;
    if (refusal) rejected.push({ line: candidate.line, sorId: candidate.row.sorId, reason: `endpoint ${refusal}` });
    else candidates.push(candidate);
  }
  return { ...file, candidates, rejected: rejected.sort((a, b) => a.line - b.line) };
}

function readFile(csv: string): ImportFile {
  try {
    return readImportFile(csv);
  } catch (error) {
    if (error instanceof ImportFileError)
      throw new ProblemError(422, error.code, 'The file cannot be imported', error.message);
    throw error;
  }
}

export async function importDirectory(
  db: Db,
  csv: string,
  actor: Actor,
  options: DirectoryImportOptions,
): Promise<DirectoryImportOutcome> {
  const file = withEndpointPolicy(readFile(csv), options.endpoints);
  const { rows, header } = file;
  const transaction = await beginTransaction(db);
  const { tx } = transaction;
  try {
    // The emptiness check waits for any import in progress (applyImport takes the same lock).
    await lockDirectoryForImport(tx);
    if (options.onlyIfEmpty && !(await directoryIsEmpty(tx))) {
      return {
        rows,
        created: 0,
        updated: 0,
        deactivated: 0,
        unchanged: 0,
        rejected: [],
        dryRun: Boolean(options.dryRun),
        committed: false,
        skipped: true,
      };
    }
    const { rejected, deactivatedMissing, ...counts } = await applyImport(tx, file, actor, {
      deactivateMissing: Boolean(options.deactivateMissing),
    }).catch((error: unknown) => {
      if (error instanceof ImportFileError)
        throw new ProblemError(422, error.code, 'The file cannot be imported', error.message);
      throw error;
    });
    const commit = !options.dryRun && !(options.allOrNothing && rejected.length > 0);
    const report: DirectoryImportOutcome = {
      rows,
      ...counts,
      rejected,
      ...(header.ignored.length > 0 ? { ignoredColumns: header.ignored } : {}),
      ...(deactivatedMissing
        ? { deactivatedMissing: deactivatedMissing.map(({ sorId, name }) => ({ sorId, name })) }
        : {}),
      dryRun: Boolean(options.dryRun),
      committed: commit,
    };
    if (commit) {
      await appendAuditEvents(tx, actor, [
        {
          action: 'mailbox-imported',
          details: {
            source: options.source,
            sha256: createHash('sha256').update(csv).digest('hex'),
            rows,
            ...counts,
            rejected: rejected.length,
            allOrNothing: Boolean(options.allOrNothing),
            ...(deactivatedMissing ? { deactivatedMissing: deactivatedMissing.length } : {}),
          },
        },
        // Each mailbox closed for being missing from the extract is its own event, as a closing by hand is.
        ...(deactivatedMissing ?? []).map((mailbox) => ({
          action: 'mailbox-deactivated',
          sorId: mailbox.sorId,
          details: { version: mailbox.version, reason: 'missing-from-import', source: options.source },
        })),
      ]);
      await transaction.commit();
    }
    return report;
  } finally {
    await transaction.rollback();
  }
}

/**
 * Loads the Region Midtjylland demo directory (`routing/demo/midtjylland.csv`) if the directory
 * has no mailbox at all; a directory someone has started to fill is never touched.
 */
export async function seedDemoDirectoryIfEmpty(
  db: Db,
  actor: Actor = { id: null, name: 'demo-seed' },
): Promise<DirectoryImportOutcome> {
  return importDirectory(db, readFileSync(demoDirectoryFile, 'utf8'), actor, {
    source: 'demo-seed',
    onlyIfEmpty: true,
  });
}

/** An extract's bytes as text; invalid UTF-8 is refused (422), never repaired. */
export function extractText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ProblemError(
      422,
      'import-encoding-invalid',
      'The file is not UTF-8',
      'Export the extract again as UTF-8 (Excel: "CSV UTF-8").',
    );
  }
}
