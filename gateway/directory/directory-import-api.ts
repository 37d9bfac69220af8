import express, { Router, type Request } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { extractText, importDirectory } from './directory-import.ts';
import { ProblemError } from '../platform/problem.ts';

// A national SOR extract of 100,000 units is about 15 MB; room for wide exports with many columns.
const csvBody = express.raw({ type: ['text/csv', 'application/csv'], limit: '100mb' });

function flag(req: Request, name: string): boolean {
  const value = req.query[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ProblemError(400, 'query-invalid', 'Invalid query', `${name} is true or false.`);
}

/**
 * The file as text. Danish exports also come as Windows-1252; decoding that as UTF-8 would store
 * "Ã¦" for "æ" in every name, so invalid UTF-8 is refused rather than repaired.
 */
function csvText(req: Request): string {
  if (!Buffer.isBuffer(req.body)) {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the SOR extract as Content-Type: text/csv.',
    );
  }
  const charset = /charset=["']?([^;"'\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ProblemError(415, 'body-encoding-unsupported', 'Unsupported body encoding', 'The extract must be UTF-8.');
  }
  return extractText(req.body);
}

/** `POST /v1/directory/import`: upsert an SOR extract; see the OpenAPI description for the columns. */
export function directoryImportRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  router.post('/v1/directory/import', requireRole('admin'), csvBody, async (req, res) => {
    const dryRun = flag(req, 'dryRun');
    const allOrNothing = flag(req, 'allOrNothing');
    const deactivateMissing = flag(req, 'deactivateMissing');
    const text = csvText(req);
    const report = await importDirectory(db, text, actorOf(currentClient(req)), {
      endpoints: config.endpoints,
      dryRun,
      allOrNothing,
      deactivateMissing,
      source: 'api',
    });
    if (allOrNothing && !dryRun && report.rejected.length > 0) {
      throw new ProblemError(
        422,
        'import-rejected',
        'Nothing was imported',
        `${report.rejected.length} row(s) were rejected, and the import was all-or-nothing. See report.rejected.`,
        { report },
      );
    }
    res.json(report);
  });
  return router;
}
