import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, signIn, type TestBrowser } from '../support/browser.ts';
import { sorIds } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  browser = await launchBrowser(stack.url);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a directory administrator in Chromium', () => {
  it('signs in with the API key in a password field, lands on the deep link asked for, and signs out', async () => {
    page = await browser.newPage();
    await page.goto('/console/directory?q=socialpsykiatri');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await expect.poll(() => page.getByLabel('API-nøgle').getAttribute('type')).toBe('password');
    await expectAccessible(page);
    await screenshot(page, 'sign-in');

    await page.getByLabel('API-nøgle').fill(stack.adminKey);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.waitForURL('**/console/directory?q=socialpsykiatri');
    await expect.poll(() => page.getByText('Logget ind som bootstrap-admin').isVisible()).toBe(true);
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'postbud_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    // The page's script cannot read the session cookie.
    expect(await page.evaluate(() => document.cookie)).not.toContain('postbud_session');

    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.waitForURL('**/console/sign-in?signed-out=1');
    await expect.poll(() => page.getByText('Du er logget ud.').isVisible()).toBe(true);
    await page.goto('/console/directory');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('searches the directory and opens a mailbox with breadcrumbs, look-alikes and history', async () => {
    await signIn(page, stack.adminKey);
    await page.getByRole('searchbox', { name: 'Søg i adressebogen' }).fill('testby socialpsykiatri');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=testby\+socialpsykiatri/);
    const result = page.getByRole('link', { name: /Socialpsykiatri/ }).first();
    await expect.poll(() => result.isVisible()).toBe(true);
    expect(await page.getByRole('table').first().innerText()).toContain('I drift');
    await expectAccessible(page);
    await screenshot(page, 'directory-search');

    await result.click();
    await page.waitForURL(`**/console/mailboxes/${sorIds.socialPsychiatry}`);
    const crumbs = page.getByRole('navigation', { name: 'Placering i hierarkiet' });
    expect(await crumbs.innerText()).toContain('Testby Kommune');
    await expect.poll(() => page.getByRole('heading', { name: 'Historik' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Navne der ligner' }).isVisible()).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'mailbox');
  });

  it('an edit that crossed another change shows both versions and saves nothing', async () => {
    await page.goto(`/console/mailboxes/${sorIds.psychiatryUnit}/edit`);
    await page.getByLabel('Visningsnavn').fill('Psykiatrien (fra konsollen)');
    // Meanwhile another administrator renames the unit through the API.
    const current = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.psychiatryUnit}`)
      .auth(stack.adminKey, { type: 'bearer' });
    const changed = await stack
      .api()
      .patch(`/v1/directory/mailboxes/${sorIds.psychiatryUnit}`)
      .auth(stack.adminKey, { type: 'bearer' })
      .set('If-Match', `"${current.body.version}"`)
      .send({ displayName: 'Psykiatrien (fra API)' });
    expect(changed.status).toBe(200);

    await page.getByRole('button', { name: 'Gem ændringer' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.first().innerText()).toContain('Intet er gemt');
    const conflict = await page.locator('section.conflict').innerText();
    expect(conflict).toContain('Psykiatrien (fra konsollen)');
    expect(conflict).toContain('Psykiatrien (fra API)');
    await expectAccessible(page);
    await screenshot(page, 'version-conflict');
    const after = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.psychiatryUnit}`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(after.body.displayName).toBe('Psykiatrien (fra API)');
  });

  it('deactivates a mailbox with a successor after a confirmation dialog', async () => {
    await page.goto(`/console/mailboxes/${sorIds.socialPsychiatry}`);
    await page.getByLabel('Efterfølger (SOR-id)').fill(sorIds.psychiatryUnit);
    await page.getByRole('button', { name: 'Nedlæg' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain('Nedlæg postkassen?');
    await expectAccessible(page);
    // Cancelling sends nothing.
    await dialog.getByRole('button', { name: 'Annuller' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(new URL(page.url()).search).toBe('');

    await page.getByRole('button', { name: 'Nedlæg' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Nedlæg' }).click();
    await page.waitForURL(/done=deactivated/);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Postkassen er nedlagt.');
    await screenshot(page, 'deactivated');
    const res = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.socialPsychiatry}`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(res.body).toMatchObject({ active: false, successorSorId: sorIds.psychiatryUnit });
  });
});
