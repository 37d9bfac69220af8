import { Router } from 'express';
import {
  accessEventsSearchSchema,
  type AccessEventsAnswer,
  type AccessEventsSearch,
} from '../../schemas/access-events.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireRole } from '../http/auth.ts';
import { readerOf } from '../http/reader.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { recordAccess, searchAccessEvents } from './access-log.ts';

const validSearch = compile<AccessEventsSearch>(accessEventsSearchSchema);

/** Who looked at a patient: the CPR goes in the body, so no proxy log holds it. */
export function accessEventRoutes({ db, vault, log }: AppDeps): Router {
  const router = Router();
  router.post('/v1/audit/access-events/search', requireRole('auditor'), smallJsonBody, async (req, res) => {
    const search = assertValid(validSearch, req.body ?? {});
    const answer: AccessEventsAnswer = await searchAccessEvents(db, vault, search);
    // Asking who looked is itself a look at the patient.
    await recordAccess({ db, log }, readerOf(req), [
      {
        action: 'audit.access-log',
        ...(search.cpr ? { cprHmac: vault.cprHmac(search.cpr) } : {}),
        ...(search.letterId ? { letterId: search.letterId.toLowerCase() } : {}),
      },
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.json(answer);
  });
  return router;
}
