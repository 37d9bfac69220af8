import { Router } from 'express';
import { apiClientSchema, type ApiClientRequest } from '../../schemas/api-client.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { createClient } from './client-keys.ts';

const validClient = compile<ApiClientRequest>(apiClientSchema);

export function clientRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.post('/v1/admin/clients', requireRole('admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validClient, req.body);
    const { client, key } = await createClient(db, actorOf(currentClient(req)), body);
    res
      .status(201)
      .location(`/v1/admin/clients/${client.id}`)
      .json({ id: client.id, name: client.name, roles: client.roles, senders: client.senders, key });
  });
  return router;
}
