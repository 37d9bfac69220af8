import type { RequestHandler } from 'express';
import { nulProblem } from './json-rules.ts';

/**
 * A NUL in the path or query string (`%00`) is refused before any route: PostgreSQL text cannot
 * hold it, so it would otherwise end as a 500 in whichever query it reached.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  next(/%00/.test(req.url) ? nulProblem() : undefined);
};
