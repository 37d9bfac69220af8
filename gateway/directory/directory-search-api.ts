import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { mailboxSearchQuerySchema, type MailboxSearchQuery } from '../../schemas/directory.ts';
import { searchMailboxes } from '../../routing/search.ts';
import type { AppDeps } from '../app-deps.ts';
import { ProblemError } from '../platform/problem.ts';
import { compile, describeErrors } from '../platform/validation.ts';

const validQuery = compile<MailboxSearchQuery>(mailboxSearchQuerySchema);
const defaultLimit = 20;

/** The query string as the schema sees it: one value per name, `limit` and `offset` as numbers. */
function readQuery(req: Request): MailboxSearchQuery {
  const query: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (typeof value !== 'string') {
      throw new ProblemError(
        400,
        'query-invalid',
        'Invalid query',
        `Give "${name.slice(0, 40)}" once, as a plain value.`,
      );
    }
    query[name] = (name === 'limit' || name === 'offset') && /^\d{1,9}$/.test(value) ? Number(value) : value;
  }
  if (!validQuery(query)) {
    throw new ProblemError(400, 'query-invalid', 'Invalid query', 'See `errors` for what to correct.', {
      errors: describeErrors(validQuery.errors),
    });
  }
  return query;
}

/**
 * A cursor is the next offset bound to the question asked, so a cursor from one search cannot
 * silently page through another. Opaque to clients; they pass it back as `cursor`.
 */
function fingerprint(query: MailboxSearchQuery): string {
  const { q, sector, municipalityCode, regionCode, accepts, active } = query;
  return createHash('sha256')
    .update(JSON.stringify([q ?? '', sector, municipalityCode, regionCode, accepts, active]))
    .digest('base64url')
    .slice(0, 16);
}

const encodeCursor = (offset: number, query: MailboxSearchQuery) =>
  Buffer.from(JSON.stringify({ o: offset, f: fingerprint(query) })).toString('base64url');

function decodeCursor(cursor: string, query: MailboxSearchQuery): number {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (
      typeof decoded.o === 'number' &&
      Number.isInteger(decoded.o) &&
      decoded.o >= 0 &&
      decoded.o <= 10000 &&
      decoded.f === fingerprint(query)
    ) {
      return decoded.o;
    }
  } catch {
    // Falls through to the refusal below: a cursor that is not ours.
  }
  throw new ProblemError(
    400,
    'cursor-invalid',
    'Invalid cursor',
    'Pass `cursor` back unchanged, with the same search it came from.',
  );
}

/** `GET /v1/directory/mailboxes`: search for a recipient (any role), or list with filters. */
export function directorySearchRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.get('/v1/directory/mailboxes', async (req, res) => {
    const query = readQuery(req);
    if (query.cursor !== undefined && query.offset !== undefined) {
      throw new ProblemError(400, 'query-invalid', 'Invalid query', 'Give either `cursor` or `offset`, not both.');
    }
    const limit = query.limit ?? defaultLimit;
    const offset = query.cursor !== undefined ? decodeCursor(query.cursor, query) : (query.offset ?? 0);
    const { items, total } = await searchMailboxes(db, {
      ...(query.q !== undefined ? { q: query.q } : {}),
      ...(query.sector ? { sector: query.sector } : {}),
      ...(query.municipalityCode ? { municipalityCode: query.municipalityCode } : {}),
      ...(query.regionCode ? { regionCode: query.regionCode } : {}),
      ...(query.accepts ? { accepts: query.accepts } : {}),
      ...(query.active ? { active: query.active === 'true' } : {}),
      limit,
      offset,
    });
    const next = offset + items.length;
    res.json({
      items,
      total,
      limit,
      offset,
      nextCursor: next < total && next <= 10000 ? encodeCursor(next, query) : null,
    });
  });
  return router;
}
