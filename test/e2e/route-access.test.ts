import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../schemas/openapi.ts';
import type { Role } from '../../gateway/clients/client-store.ts';
import { createApp } from '../../gateway/app.ts';
import { createVault } from '../../gateway/platform/crypto.ts';
import { createMetrics } from '../../gateway/platform/metrics.ts';
import { spoolMemoryOf } from '../../gateway/letters/spool-memory.ts';
import { sorIds, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Every route and the roles that may call it, walked for each role and for no key.
 * The table is the access design: DESIGN.md's REST surface, made precise where the code needs
 * more than the design names (noted per row). A route in the app but not here fails the test.
 */
type Access = Role[] | 'public' | 'authenticated';
interface RouteAccess {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  access: Access;
}

const everyRole: Role[] = ['sender', 'admin', 'auditor', 'adapter'];

const routes: RouteAccess[] = [
  { method: 'GET', path: '/health/live', access: 'public' },
  { method: 'GET', path: '/health/ready', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'public' },
  { method: 'GET', path: '/docs', access: 'public' },
  { method: 'GET', path: '/docs/openapi.json', access: 'public' },
  { method: 'POST', path: '/v1/messages', access: ['sender'] },
  { method: 'POST', path: '/v1/messages/preview', access: ['sender'] },
  // Design: sender (own), auditor. Adapters look a letter's status up before delivering a copy;
  // admins need it to operate dead letters.
  { method: 'GET', path: '/v1/messages/:id', access: ['sender', 'auditor', 'admin', 'adapter'] },
  // Design: sender (own); the adapter fetches the XML it delivers (claim check).
  { method: 'GET', path: '/v1/messages/:id/xml', access: ['sender', 'adapter'] },
  // Design: sender (own), auditor; admins operate letters.
  { method: 'GET', path: '/v1/messages/:id/events', access: ['sender', 'auditor', 'admin'] },
  { method: 'POST', path: '/v1/messages/:id/misroute', access: ['adapter', 'admin', 'auditor'] },
  { method: 'POST', path: '/v1/messages/:id/reroute', access: ['sender', 'admin'] },
  // A reply comes from the letter's recipient side, a forward from either party: sending systems.
  { method: 'POST', path: '/v1/messages/:id/reply', access: ['sender'] },
  { method: 'POST', path: '/v1/messages/:id/forward', access: ['sender'] },
  // The parties to a conversation, and its auditors.
  { method: 'GET', path: '/v1/threads/:identifier', access: ['sender', 'auditor', 'admin'] },
  // Design: adapter, receiving system; a receiving system without an adapter acknowledges through an admin client.
  { method: 'POST', path: '/v1/acknowledgements', access: ['adapter', 'admin'] },
  // The MedCom acknowledgement for the sending system: the same access as the letter's status.
  { method: 'GET', path: '/v1/messages/:id/acknowledgement', access: ['sender', 'auditor', 'admin', 'adapter'] },
  { method: 'POST', path: '/v1/directory/mailboxes', access: ['admin'] },
  { method: 'GET', path: '/v1/directory/mailboxes', access: 'authenticated' },
  { method: 'GET', path: '/v1/directory/mailboxes/:sorId', access: 'authenticated' },
  { method: 'PATCH', path: '/v1/directory/mailboxes/:sorId', access: ['admin'] },
  { method: 'GET', path: '/v1/directory/mailboxes/:sorId/history', access: 'authenticated' },
  { method: 'POST', path: '/v1/directory/import', access: ['admin'] },
  { method: 'GET', path: '/v1/admin/clients', access: ['admin'] },
  { method: 'POST', path: '/v1/admin/clients', access: ['admin'] },
  { method: 'POST', path: '/v1/admin/clients/:id/revoke', access: ['admin'] },
  { method: 'POST', path: '/v1/admin/clients/:id/rotate', access: ['admin'] },
  { method: 'GET', path: '/v1/admin/dead-letters', access: ['admin'] },
  { method: 'POST', path: '/v1/admin/dead-letters/:letterId/replay', access: ['admin'] },
  { method: 'GET', path: '/v1/audit/events', access: ['auditor'] },
  { method: 'POST', path: '/v1/audit/events/search', access: ['auditor'] },
  { method: 'GET', path: '/v1/audit/events.csv', access: ['auditor'] },
  { method: 'GET', path: '/v1/audit/letters/:id/trace', access: ['auditor'] },
  // Design: auditor; admins see the misroute report to correct the directory.
  { method: 'GET', path: '/v1/audit/misroutes', access: ['auditor', 'admin'] },
  { method: 'GET', path: '/v1/audit/verify', access: ['auditor'] },
  { method: 'POST', path: '/v1/audit/access-events/search', access: ['auditor'] },
  // Last: the admin's empty-body call really closes the mailbox the other rows use.
  { method: 'POST', path: '/v1/directory/mailboxes/:sorId/deactivate', access: ['admin'] },
];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every method and path the Express app answers, found by walking its routers. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${prefix}${layer.route!.path}`);
    }
    if (layer.handle.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return routesOf(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

let stack: TestStack;
const keys = {} as Record<Role, string>;
const ids = { letterId: '', clientId: '' };

beforeAll(async () => {
  stack = await startTestStack();
  const newClient = async (body: object) =>
    (await stack.api().post('/v1/admin/clients').auth(stack.adminKey, { type: 'bearer' }).send(body)).body as {
      id: string;
      key: string;
    };
  Object.assign(keys, {
    sender: stack.senderKey,
    admin: stack.adminKey,
    adapter: stack.adapterKey,
    auditor: (await newClient({ name: 'Revision', roles: ['auditor'] })).key,
  });
  // A client the admin may revoke and rotate during the walk, so no caller loses its key.
  ids.clientId = (await newClient({ name: 'Throwaway', roles: ['sender'], senders: [sorIds.psychiatryUnit] })).id;
  const letter = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  ids.letterId = letter.body.id;
  await waitForStatus(stack, ids.letterId, 'delivered');
});
afterAll(async () => {
  await stack?.stop();
});

/** The path with real ids: the sender's own letter, a directory mailbox, a throwaway client. */
function urlOf(route: RouteAccess): string {
  return route.path
    .replace(':letterId', ids.letterId)
    .replace(':sorId', sorIds.socialPsychiatry)
    .replace(':id', route.path.startsWith('/v1/admin/clients') ? ids.clientId : ids.letterId);
}

async function statusFor(route: RouteAccess, key: string | undefined): Promise<number> {
  let call = stack.api()[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](urlOf(route));
  if (key) call = call.auth(key, { type: 'bearer' });
  // An empty body: an allowed caller gets past the role check and is refused by validation, so
  // the walk changes little.
  const res = route.method === 'GET' ? await call : await call.send({});
  return res.status;
}

const isAllowed = (access: Access, role: Role) =>
  access === 'public' || access === 'authenticated' || access.includes(role);

describe('the route table', () => {
  it('names every route the app serves, and nothing it does not', () => {
    const config = stack.config;
    const app = createApp({
      db: stack.database.db,
      broker: stack.gateway.broker,
      config,
      log: pino({ level: 'silent' }),
      vault: createVault(config),
      metrics: createMetrics(),
      spoolMemory: spoolMemoryOf(config.limits),
    });
    // The browser console's pages (/console) are held to their roles by test/e2e/console-*.test.ts.
    const served = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack)
      .filter((route) => !/^\w+ \/console/.test(route))
      .sort();
    expect(served).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('agrees with the roles the OpenAPI document declares', () => {
    const paths = openApiDocument.paths as Record<string, Record<string, { 'x-roles': string[] | string }>>;
    for (const route of routes) {
      const documented = paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!documented) continue;
      const expected = route.access === 'authenticated' ? everyRole : route.access;
      expect([documented['x-roles']].flat().sort(), `${route.method} ${route.path}`).toEqual([expected].flat().sort());
    }
  });
});

describe.each(routes)('$method $path', (route) => {
  it(route.access === 'public' ? 'answers without a key' : 'refuses a call without a key: 401', async () => {
    const status = await statusFor(route, undefined);
    if (route.access === 'public') expect([401, 403]).not.toContain(status);
    else expect(status).toBe(401);
  });

  it.each(everyRole)('role %s', async (role) => {
    const status = await statusFor(route, keys[role]);
    if (isAllowed(route.access, role)) expect([401, 403], `${role} should pass, got ${status}`).not.toContain(status);
    else expect(status, `${role} should be refused`).toBe(403);
  });
});
