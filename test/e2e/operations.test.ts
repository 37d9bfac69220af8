import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/platform/config.ts';
import { testLetter } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('operations', () => {
  it('liveness and readiness report PostgreSQL and RabbitMQ', async () => {
    expect((await stack.api().get('/health/live')).status).toBe(200);
    const ready = await stack.api().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: true, rabbitmq: true } });
  });

  it('metrics count accepted and refused letters by sector and code', async () => {
    await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ category: 'other' }));
    const metrics = await stack.api().get('/metrics');
    expect(metrics.text).toMatch(/postbud_letters_accepted_total\{sector="municipality"\} 1/);
    expect(metrics.text).toMatch(/postbud_letters_refused_total\{code="topic-required"\} 1/);
  });

  it('unknown routes answer 404 problem+json, with a request id and security headers', async () => {
    const res = await stack.api().get('/v1/nothing-here').auth(stack.senderKey, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('the OpenAPI document is served', async () => {
    const doc = await stack.api().get('/docs/openapi.json');
    expect(doc.body.paths['/v1/messages'].post).toBeTruthy();
    expect(doc.body.paths['/v1/acknowledgements'].post).toBeTruthy();
    // The interactive reference renders that document (test/browser/docs.test.ts drives it).
    expect((await stack.api().get('/docs')).text).toContain('/docs/assets/docs-init.js');
  });
});

describe('configuration', () => {
  it('fails with one clear line for a missing data key or a bad port', () => {
    expect(() => loadConfig({})).toThrow(/POSTBUD_DATA_KEY is required/);
    const key = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => loadConfig({ POSTBUD_DATA_KEY: key })).toThrow(/POSTBUD_QUEUE_SIGNING_KEY is required/);
    expect(() => loadConfig({ POSTBUD_DATA_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: 'q1:short' })).toThrow(
      /POSTBUD_QUEUE_SIGNING_KEY entries must be/,
    );
    const both = { POSTBUD_DATA_KEY: key, POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}` };
    expect(() => loadConfig({ ...both, PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => loadConfig({ ...both, DATABASE_URL: 'mysql://x' })).toThrow(/databaseUrl/);
    expect(loadConfig(both).port).toBe(8080);
  });
});
