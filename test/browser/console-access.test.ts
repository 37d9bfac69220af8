import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, signIn, type TestBrowser } from '../support/browser.ts';
import { testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
let auditorKey: string;
let letterId: string;
const requested: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  auditorKey = (
    await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Revisor Ravn', roles: ['auditor'] })
  ).body.key;
  const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(sent.status).toBe(202);
  letterId = sent.body.id;
  await waitForStatus(stack, letterId, 'delivered');
  browser = await launchBrowser(stack.url);
  page = await browser.newPage();
  page.on('request', (request) => requested.push(request.url()));
  await signIn(page, auditorKey, '/console/audit');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function searchAccessByCpr(): Promise<string> {
  await page.getByRole('link', { name: 'Hvem har set patienten' }).click();
  await page.waitForURL('**/console/access');
  await page.getByLabel('Patientens CPR-nummer').fill(testCpr);
  await page.getByRole('button', { name: 'Søg i adgangsloggen' }).click();
  await expect.poll(() => page.getByText('Patient: 250947-xxxx').isVisible()).toBe(true);
  return page.locator('table.access-log').innerText();
}

describe('who looked at a patient, in Chromium', () => {
  it("the console's audit search by CPR and a letter's trace are recorded as console views", async () => {
    await page.getByLabel('Patientens CPR-nummer').fill(testCpr);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    await expect.poll(() => page.getByText('Patient: 250947-xxxx').isVisible()).toBe(true);
    await page.getByRole('link', { name: letterId }).first().click();
    await page.waitForURL(`**/console/letters/${letterId}`);

    const byCpr = await searchAccessByCpr();
    // Newest first: the trace page (letter) and the audit search (patient), both by the auditor.
    expect(byCpr).toContain('console.view');
    expect(byCpr).toContain('Revisor Ravn');
    expect(byCpr).toContain(letterId);
    expect(byCpr).toMatch(/[0-9a-f]{12}…/);
    expect(await page.content()).not.toContain(testCpr);
    expect(requested.join(' ')).not.toContain(testCpr.slice(6));
    await expectAccessible(page);
    await screenshot(page, 'access-log');
  });

  it("a sender's status read shows under the patient, and the access search itself is logged", async () => {
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.status).toBe(200);
    const byCpr = await searchAccessByCpr();
    expect(byCpr).toContain('letter.status');
    // The previous search of the access log is a read of the patient too.
    expect(byCpr).toContain('audit.access-log');
    expect(requested.join(' ')).not.toContain(testCpr.slice(6));
  });

  it('a search by letter id and period lists only that letter; a bad CPR is refused without repeating it', async () => {
    await page.getByLabel('Brev-id').fill(letterId);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Fra og med').fill(today);
    await page.getByRole('button', { name: 'Søg i adgangsloggen' }).click();
    await expect.poll(() => page.locator('table.access-log').isVisible()).toBe(true);
    const rows = await page.locator('table.access-log tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes(letterId))).toBe(true);

    await page.getByLabel('Patientens CPR-nummer').fill('999999-1234');
    await page.getByRole('button', { name: 'Søg i adgangsloggen' }).click();
    await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
    expect(await page.content()).not.toContain('999999');
    await expectAccessible(page);
  });
});
