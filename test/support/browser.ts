import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium package; `.ci/run` installs it where it is missing. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export interface TestBrowser {
  /** A new tab on the gateway. Tabs share the profile's cookies, as in a person's browser. */
  newPage(): Promise<Page>;
  /** Forgets every cookie, as a fresh visitor. */
  forgetCookies(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One Chromium for a test file with a fresh profile directory (`--user-data-dir`): no state from
 * another run, and nothing phoning home (no updates, sync or background requests).
 */
export async function launchBrowser(baseURL: string): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'postbud-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    baseURL,
    locale: 'da-DK',
  });
  context.setDefaultTimeout(15_000);
  return {
    newPage: () => context.newPage(),
    forgetCookies: () => context.clearCookies(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a person would, and waits for the page that follows. */
export async function signIn(page: Page, key: string, path = '/console'): Promise<void> {
  await page.goto(path);
  await page.getByLabel(/API-nøgle|API key/).fill(key);
  await page.getByRole('button', { name: /Log ind|Sign in/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in'));
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page and fails on serious or critical findings. The script is added by the
 * test harness (a CDP evaluation, not a page script), so the console's CSP stays as strict as it is.
 * `tolerated` names rules a third-party page (Swagger UI on /docs) breaks and we cannot fix.
 */
export async function expectAccessible(page: Page, tolerated: readonly string[] = []): Promise<void> {
  await page.addScriptTag({ path: axeSource }).catch(async () => {
    // The console's CSP refuses a script element the page did not serve; evaluate it instead.
    const { readFile } = await import('node:fs/promises');
    await page.evaluate(await readFile(axeSource, 'utf8'));
  });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
  const serious = violations.filter(
    (violation) =>
      (violation.impact === 'serious' || violation.impact === 'critical') && !tolerated.includes(violation.id),
  );
  expect(serious, `${page.url()}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** A full-page screenshot for people to look at; the folder is git-ignored. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
