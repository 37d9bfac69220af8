import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

describe('the console is served by the gateway under a CSP that allows only its own assets', () => {
  it('/console leads to the sign-in page, in Danish, with no inline script or style', async () => {
    const root = await stack.api().get('/console');
    expect(root.status).toBe(303);
    expect(root.headers.location).toBe('/console/sign-in');

    const page = await stack.api().get('/console/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<html lang="da">');
    expect(page.text).toContain('Log ind med din API-nøgle');
    expect(page.text).toMatch(/<input\s+type="password"\s+id="api-key"\s+name="apiKey"/);
    const policy = page.headers['content-security-policy'];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("form-action 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.text).not.toMatch(/<style|style="|<script(?![^>]*\bsrc="\/console\/assets\/)/i);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const visitor = String(page.headers['set-cookie']);
    expect(visitor).toMatch(/postbud_visitor=[\w-]{32}; Max-Age=\d+; Path=\/console; HttpOnly; SameSite=Strict/);
    expect(visitor).not.toMatch(/Secure/);
  });

  it('serves its stylesheets and script from the gateway, Pico from its npm package', async () => {
    const pico = await stack.api().get('/console/assets/pico.min.css');
    expect(pico.status).toBe(200);
    expect(pico.headers['content-type']).toMatch(/^text\/css/);
    expect(pico.text).toContain('Pico CSS');
    const css = await stack.api().get('/console/assets/console.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const script = await stack.api().get('/console/assets/console.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await stack.api().get('/console/assets/nothing.js')).status).toBe(404);
  });

  it('switches to English and back with a form that carries the CSRF token', async () => {
    const agent = request.agent(stack.url);
    const first = await agent.get('/console/sign-in');
    const token = csrfOf(first.text)!;
    const refused = await agent
      .post('/console/language')
      .type('form')
      .send({ language: 'en', next: '/console/sign-in' });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toContain('Formularen var for gammel');

    const switched = await agent
      .post('/console/language')
      .type('form')
      .send({ _csrf: token, language: 'en', next: '/console/sign-in' });
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/console/sign-in');
    const english = await agent.get('/console/sign-in');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Sign in with your API key');

    await agent
      .post('/console/language')
      .type('form')
      .send({ _csrf: token, language: 'da', next: 'https://evil.example/' });
    expect((await agent.get('/console/sign-in')).text).toContain('<html lang="da">');
  });

  it('refuses a form posted from another site even with a valid token', async () => {
    const agent = request.agent(stack.url);
    const token = csrfOf((await agent.get('/console/sign-in')).text)!;
    for (const [header, value] of [
      ['Sec-Fetch-Site', 'cross-site'],
      ['Origin', 'https://evil.example'],
    ] as const) {
      const res = await agent
        .post('/console/language')
        .set(header, value)
        .type('form')
        .send({ _csrf: token, language: 'en' });
      expect(res.status).toBe(403);
    }
  });

  it('an unknown console path is a page saying so, not problem+json', async () => {
    const res = await stack.api().get('/console/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Siden findes ikke.');
  });
});
