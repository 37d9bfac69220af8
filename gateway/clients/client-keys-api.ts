import { Router } from 'express';
import { listApiClients } from './client-store.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { revokeClient, rotateClientKey } from './client-keys.ts';
import { ProblemError } from '../platform/problem.ts';

/** Listing API clients, revoking them and rotating their keys; changes are audited. */
export function adminClientRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/v1/admin/clients', requireRole('admin'), async (_req, res) => {
    res.json({ clients: await listApiClients(db) });
  });

  router.post('/v1/admin/clients/:id/revoke', requireRole('admin'), async (req, res) => {
    const admin = currentClient(req);
    const id = String(req.params.id);
    // An admin revoking its own key would lock itself out mid-request; another admin or the CLI can.
    if (id === admin.id) {
      throw new ProblemError(
        409,
        'client-revoke-self',
        'An API client cannot revoke itself',
        'Use another admin client or `postbud clients revoke`.',
      );
    }
    const { client, alreadyRevoked } = await revokeClient(db, id, actorOf(admin));
    req.log.info({ revokedClientId: client.id, alreadyRevoked }, 'api client revoked');
    res.json({ id: client.id, name: client.name, active: false });
  });

  router.post('/v1/admin/clients/:id/rotate', requireRole('admin'), async (req, res) => {
    const { client, key } = await rotateClientKey(db, String(req.params.id), actorOf(currentClient(req)));
    req.log.info({ rotatedClientId: client.id }, 'api client key rotated');
    // The new key is shown once, here; only its hash is stored.
    res.setHeader('Cache-Control', 'no-store');
    res.json({ id: client.id, name: client.name, key });
  });
  return router;
}
