import { Router, type Request } from 'express';
import { apiClientSchema, type ApiClientRequest } from '../../schemas/api-client.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { createClient, revokeClient, rotateClientKey } from '../clients/client-keys.ts';
import { listApiClients } from '../clients/client-store.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { ProblemError } from '../platform/problem.ts';
import { compile } from '../platform/validation.ts';
import { renderClientsPage, type ClientsView } from './clients-page.ts';
import { contextOf, formText } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { codeText } from './texts.ts';

const validClient = compile<ApiClientRequest>(apiClientSchema);

function clientRequestOf(req: Request): unknown {
  const roles = (req.body as Record<string, unknown>).roles;
  return {
    name: formText(req, 'name'),
    roles: [roles ?? []].flat(),
    senders: formText(req, 'senders')
      .split(/[\s,]+/)
      .filter(Boolean),
  };
}

/** API clients for administrators: create, revoke, rotate. A new key is in the answer to the POST only. */
export function clientPageRoutes({ db }: AppDeps): Router {
  const router = Router();
  const admin = [requireSession, requireRole('admin')];
  const page = async (req: Request, view: Omit<ClientsView, 'clients'> = {}) =>
    renderClientsPage(contextOf(req), { clients: await listApiClients(db), ...view });
  const refused = async (req: Request, error: unknown) => {
    if (!(error instanceof ProblemError) || error.status >= 500) throw error;
    return page(req, { problem: codeText(contextOf(req).t, error.code) ?? contextOf(req).t.errorInvalid });
  };

  router.get('/clients', ...admin, async (req, res) => {
    const revoked = typeof req.query.revoked === 'string' ? req.query.revoked : undefined;
    const notice = revoked ? contextOf(req).t.clientRevokedNotice(revoked) : undefined;
    res.type('html').send(await page(req, notice ? { notice } : {}));
  });

  router.post('/clients', ...admin, async (req, res) => {
    const body = clientRequestOf(req);
    if (!validClient(body))
      return res
        .status(422)
        .type('html')
        .send(await page(req, { problem: contextOf(req).t.errorInvalid }));
    try {
      const { client, key } = await createClient(db, actorOf(currentClient(req)), body);
      res
        .status(201)
        .type('html')
        .send(await page(req, { newKey: { name: client.name, key } }));
    } catch (error) {
      res
        .status(422)
        .type('html')
        .send(await refused(req, error));
    }
  });

  router.post('/clients/:id/rotate', ...admin, async (req, res) => {
    const { client, key } = await rotateClientKey(db, String(req.params.id), actorOf(currentClient(req)));
    res.type('html').send(await page(req, { newKey: { name: client.name, key } }));
  });

  router.post('/clients/:id/revoke', ...admin, async (req, res) => {
    const id = String(req.params.id);
    // As in the API: revoking one's own key would end this very session mid-request.
    if (id === currentClient(req).id)
      return res
        .status(409)
        .type('html')
        .send(await refused(req, new ProblemError(409, 'client-revoke-self', 'Forbidden')));
    const { client } = await revokeClient(db, id, actorOf(currentClient(req)));
    res.redirect(303, `/console/clients?revoked=${encodeURIComponent(client.name)}`);
  });

  return router;
}
