import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../gateway/app.ts';
import { loadConfig } from '../../gateway/platform/config.ts';
import { createVault } from '../../gateway/platform/crypto.ts';
import { createMetrics } from '../../gateway/platform/metrics.ts';
import { spoolMemoryOf } from '../../gateway/letters/spool-memory.ts';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const strictPolicy = ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"];
const directives = (policy: string | undefined) =>
  (policy ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
const mailboxPath = `/v1/directory/mailboxes/${sorIds.gpClinic}`;

/** The same gateway with POSTBUD_CORS_ORIGINS set, on the stack's database and broker. */
function appWithCors(origins: string) {
  const config = loadConfig({
    POSTBUD_DATA_KEY: `k1:${randomBytes(32).toString('base64')}`,
    POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}`,
    DATABASE_URL: stack.database.url,
    POSTBUD_CORS_ORIGINS: origins,
  });
  return createApp({
    db: stack.database.db,
    broker: stack.gateway.broker,
    config,
    log: pino({ level: 'silent' }),
    vault: createVault(config),
    metrics: createMetrics(),
    spoolMemory: spoolMemoryOf(config.limits),
  });
}

describe('security headers', () => {
  it('every answer, success or problem, carries helmet defaults and a CSP that allows nothing', async () => {
    for (const res of [
      await stack.api().get(mailboxPath).auth(stack.senderKey, { type: 'bearer' }),
      await stack.api().get(mailboxPath),
      await stack.api().get('/health/live'),
    ]) {
      expect(directives(res.headers['content-security-policy'])).toEqual(strictPolicy);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('/docs loads Swagger UI and its init script from this origin: no inline script or style, no CDN', async () => {
    const res = await stack.api().get('/docs');
    expect(res.status).toBe(200);
    expect(directives(res.headers['content-security-policy'])).toEqual([
      ...strictPolicy,
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
    ]);
    expect(res.text).not.toMatch(/<style|style="|<script(?![^>]*\bsrc="\/docs\/assets\/)/i);
    expect(res.text).not.toMatch(/https?:\/\//);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs-init.js'])
      expect((await stack.api().get(`/docs/assets/${asset}`)).status, asset).toBe(200);
    // The package's own index.html starts Swagger UI by inline script; it is not served.
    expect((await stack.api().get('/docs/assets/index.html')).status).toBe(404);
    expect((await stack.api().get('/docs/openapi.json')).body.paths).toHaveProperty('/v1/admin/dead-letters');
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control headers, and a preflight gets no pass', async () => {
    const res = await stack
      .api()
      .get(mailboxPath)
      .set('Origin', 'https://epj.example')
      .auth(stack.senderKey, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await stack
      .api()
      .options(mailboxPath)
      .set('Origin', 'https://epj.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.status).toBe(401);
  });

  it('when configured, answers exactly the configured origins, preflights included', async () => {
    const app = appWithCors('https://epj.example,https://portal.example');
    const preflight = await request(app)
      .options(mailboxPath)
      .set('Origin', 'https://epj.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://epj.example');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(preflight.headers.vary).toMatch(/Origin/);

    const allowed = await request(app)
      .get(mailboxPath)
      .set('Origin', 'https://portal.example')
      .auth(stack.senderKey, { type: 'bearer' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example');

    const other = await request(app)
      .get(mailboxPath)
      .set('Origin', 'https://evil.example')
      .auth(stack.senderKey, { type: 'bearer' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const otherPreflight = await request(app)
      .options(mailboxPath)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(otherPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a wildcard or a malformed origin at start-up', () => {
    const key = `k1:${randomBytes(32).toString('base64')}`;
    expect(() =>
      loadConfig({
        POSTBUD_DATA_KEY: key,
        POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}`,
        POSTBUD_CORS_ORIGINS: '*',
      }),
    ).toThrow(/corsOrigins/);
    expect(() =>
      loadConfig({
        POSTBUD_DATA_KEY: key,
        POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}`,
        POSTBUD_CORS_ORIGINS: 'https://epj.example/path',
      }),
    ).toThrow(/corsOrigins/);
  });
});

describe('answers no cache may keep, and methods named', () => {
  it.each([
    ['a refused letter', () => stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send({})],
    ['a mailbox', () => stack.api().get(mailboxPath).auth(stack.senderKey, { type: 'bearer' })],
    [
      'a new API key',
      () =>
        stack
          .api()
          .post('/v1/admin/clients')
          .auth(stack.adminKey, { type: 'bearer' })
          .send({ name: 'Nøgle', roles: ['auditor'] }),
    ],
    ['a refusal without a key', () => stack.api().get('/v1/audit/events')],
  ])('%s carries Cache-Control: no-store', async (_what, call) => {
    const res = await call();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['DELETE', `/v1/messages/${randomBytes(16).toString('hex')}`, 'GET'],
    ['PUT', '/v1/directory/mailboxes', 'GET, POST'],
    ['GET', '/v1/acknowledgements', 'POST'],
  ])('%s %s → 405 with Allow', async (method, path, allowed) => {
    const verb = method.toLowerCase() as 'delete' | 'put' | 'get';
    const res = await stack.api()[verb](path).auth(stack.adminKey, { type: 'bearer' });
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const method of allowed.split(', ')) expect(res.headers.allow).toContain(method);
    expect(res.body.code).toBe('method-not-allowed');
  });

  it('an unknown path is still 404', async () => {
    const res = await stack.api().get('/v1/nothing-here').auth(stack.adminKey, { type: 'bearer' });
    expect(res.status).toBe(404);
  });
});
