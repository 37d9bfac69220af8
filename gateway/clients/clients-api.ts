import { Router } from 'express';
import { apiClientSchema, type ApiClientRequest } from '../../schemas/api-client.ts';
import { insertApiClient } from './client-store.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf, appendAuditEvents } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { inTransaction } from '../platform/db.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { assertValid, compile } from '../platform/validation.ts';

const validClient = compile<ApiClientRequest>(apiClientSchema);

export function clientRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.post('/v1/admin/clients', requireRole('admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validClient, req.body);
    const admin = currentClient(req);
    const created = await inTransaction(db, async (tx) => {
      const result = await insertApiClient(tx, {
        name: body.name,
        roles: [...body.roles],
        senders: [...(body.senders ?? [])],
      });
      await appendAuditEvents(tx, actorOf(admin), [
        {
          action: 'client-created',
          details: { clientId: result.client.id, name: body.name, roles: body.roles, senders: body.senders ?? [] },
        },
      ]);
      return result;
    });
    res.status(201).location(`/v1/admin/clients/${created.client.id}`).json({
      id: created.client.id,
      name: created.client.name,
      roles: created.client.roles,
      senders: created.client.senders,
      key: created.key,
    });
  });
  return router;
}
