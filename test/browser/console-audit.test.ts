import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, signIn, type TestBrowser } from '../support/browser.ts';
import { ean, sorIds, testCpr, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
let auditorKey: string;
let misroutedId: string;
const lookAlikeSorId = '200031000016007';

beforeAll(async () => {
  stack = await startTestStack();
  const admin = (path: string, body: object) =>
    stack.api().post(path).auth(stack.adminKey, { type: 'bearer' }).send(body);
  auditorKey = (await admin('/v1/admin/clients', { name: 'Revisor Rask', roles: ['auditor'] })).body.key;
  // A letter the receiving system answers as sent to the wrong unit: meant for the look-alike.
  stack.receiver.script([503, 200]);
  const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
  expect(sent.status).toBe(202);
  misroutedId = sent.body.id;
  await waitForStatus(stack, misroutedId, 'delivered');
  // The look-alike is added after the letter went out, so the guards did not hold it back.
  expect(
    (
      await admin('/v1/directory/mailboxes', {
        sorId: lookAlikeSorId,
        ean: ean('579000020004'),
        name: 'Testby Kommune, Socialpsykiatri og Udsatte',
        parentSorId: sorIds.municipalityOwner,
        sector: 'municipality',
        municipalityCode: '751',
        accepts: ['CareCommunication'],
      })
    ).status,
  ).toBe(201);
  const ack = await stack
    .api()
    .post('/v1/acknowledgements')
    .auth(stack.adapterKey, { type: 'bearer' })
    .send({ messageId: misroutedId, outcome: 'negative', code: 'wrong-recipient', correctSorId: lookAlikeSorId });
  expect(ack.status).toBe(200);
  browser = await launchBrowser(stack.url);
  page = await browser.newPage();
  await signIn(page, auditorKey, '/console/audit');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('an auditor in Chromium', () => {
  it("searches the trail by a patient's CPR in a POST form: the CPR is in no URL, and is shown masked", async () => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.getByLabel('Patientens CPR-nummer').fill(testCpr);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    await expect.poll(() => page.getByText('Patient: 250947-xxxx').isVisible()).toBe(true);
    const table = await page.getByRole('table').innerText();
    expect(table).toContain('accepted');
    expect(table).toContain(misroutedId);
    expect(await page.content()).not.toContain(testCpr);
    expect(requested.join(' ')).not.toContain(testCpr.slice(6));
    await expectAccessible(page);
    await screenshot(page, 'audit-search');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Hent som CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit-events.csv');
    const { readFile } = await import('node:fs/promises');
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('seq;at;actorId');
    expect(csv).toContain(misroutedId);
    expect(requested.join(' ')).not.toContain(testCpr.slice(6));
  });

  it("opens a letter's trace as a timeline: accepted, queued, a failed attempt, delivered, misrouted", async () => {
    await page.getByRole('link', { name: misroutedId }).first().click();
    await page.waitForURL(`**/console/letters/${misroutedId}`);
    const steps = await page.locator('ol.timeline li').allInnerTexts();
    const order = ['accepted', 'queued', 'Forsøg 1', 'delivered', 'misroute'].map((word) =>
      steps.findIndex((step) => step.includes(word)),
    );
    expect(
      order.every((index) => index >= 0),
      steps.join('\n'),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(await page.getByRole('table').innerText()).toContain('Test EPJ');
    await expectAccessible(page);
    await screenshot(page, 'letter-trace');
  });

  it('shows the misroute report as charts by recipient and week, with the look-alike marked', async () => {
    await page.getByRole('link', { name: 'Fejlsendte breve' }).click();
    await page.waitForURL('**/console/misroutes');
    await expect.poll(() => page.getByText('1 fejlsendte breve').isVisible()).toBe(true);
    expect(await page.locator('table.bar-chart').count()).toBe(2);
    expect(await page.locator('table.bar-chart').first().innerText()).toContain('1 breve');
    expect(await page.locator('mark.differs').allInnerTexts()).toEqual(expect.arrayContaining(['Udsatte']));
    await expectAccessible(page);
    await screenshot(page, 'misroutes');
  });

  it('verifies the hash chain and shows that it holds', async () => {
    await page.getByRole('link', { name: 'Kædekontrol' }).click();
    await page.getByRole('button', { name: 'Kontroller kæden' }).click();
    await expect.poll(() => page.locator('.verify-ok').innerText()).toMatch(/Kæden holder: \d+ hændelser kontrolleret/);
    await expectAccessible(page);
    await screenshot(page, 'verify');
  });
});
