import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../schemas/openapi.ts';
import { expectAccessible, launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
const cspViolations: string[] = [];
const offOrigin: string[] = [];

const operationCount = Object.values(openApiDocument.paths).reduce(
  (count, methods) => count + Object.keys(methods as object).length,
  0,
);

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser(stack.url);
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(stack.url) && !request.url().startsWith('data:')) offOrigin.push(request.url());
  });
  await page.goto('/docs');
  await page.locator('.opblock').first().waitFor();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('/docs in Chromium', () => {
  it('renders every operation of the OpenAPI document under the CSP, loading nothing from elsewhere', async () => {
    expect(await page.locator('.opblock').count()).toBe(operationCount);
    expect(await page.locator('.opblock-summary-path').allInnerTexts()).toEqual(
      expect.arrayContaining(['/v1/messages', '/v1/audit/access-events/search']),
    );
    expect(cspViolations).toEqual([]);
    expect(offOrigin).toEqual([]);
    await screenshot(page, 'docs');
  });

  it("opens an operation with its request body's and responses' schemas", async () => {
    const operation = page.locator('.opblock-post', {
      has: page.locator('[data-path="/v1/audit/access-events/search"]'),
    });
    await operation.locator('.opblock-summary').click();
    const body = operation.locator('.opblock-body');
    await body.waitFor();
    await operation.getByRole('tab', { name: 'Schema' }).first().click();
    const text = await body.innerText();
    expect(text).toContain('cpr');
    expect(text).toContain('letterId');
    expect(text).toContain('200');
    expect(text).toContain('remoteAddress');
    expect(cspViolations).toEqual([]);
    // Swagger UI nests its copy-path button inside each operation's summary button; that markup is
    // its own and no stylesheet changes it. Its low-contrast colours are overridden in docs.css.
    await expectAccessible(page, ['nested-interactive']);
  });
});
