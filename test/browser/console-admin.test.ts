import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, signIn, type TestBrowser } from '../support/browser.ts';
import { ean, sorIds, testLetter } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  browser = await launchBrowser(stack.url);
  page = await browser.newPage();
  await signIn(page, stack.adminKey, '/console/clients');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const statusWith = async (key: string) =>
  (await stack.api().get(`/v1/directory/mailboxes/${sorIds.psychiatryUnit}`).auth(key, { type: 'bearer' })).status;

describe('an administrator manages API clients in Chromium', () => {
  let key = '';

  it('creates a client whose key is shown once and works', async () => {
    await page.getByLabel('Navn', { exact: true }).fill('Klinik Vest');
    await page.getByLabel('Afsender').check();
    await page.getByLabel('Må sende for (SOR-id, ét pr. linje)').fill(sorIds.gpClinic);
    await page.getByRole('button', { name: 'Opret' }).click();
    await expect.poll(() => page.getByText('Nøglen til Klinik Vest').isVisible()).toBe(true);
    key = await page.locator('#new-key').innerText();
    expect(key).toMatch(/^pb_[\w-]{43}$/);
    expect(await statusWith(key)).toBe(200);
    await expectAccessible(page);
    await screenshot(page, 'clients-new-key');
    // Shown once: the list of clients never holds it again.
    await page.goto('/console/clients');
    expect(await page.content()).not.toContain(key);
    expect(await page.getByRole('row', { name: /Klinik Vest/ }).innerText()).toContain('Aktiv');
  });

  it('rotates the key after a confirmation: the old key is refused, the new one works', async () => {
    await page.getByRole('button', { name: 'Ny nøgle: Klinik Vest' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Ny nøgle' }).click();
    await expect.poll(() => page.locator('#new-key').count()).toBe(1);
    const rotated = await page.locator('#new-key').innerText();
    expect(rotated).not.toBe(key);
    expect(await statusWith(key)).toBe(401);
    expect(await statusWith(rotated)).toBe(200);
    key = rotated;
  });

  it('revokes the client after a confirmation: its key opens nothing any more', async () => {
    await page.goto('/console/clients');
    await page.getByRole('button', { name: 'Tilbagekald: Klinik Vest' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Tilbagekald' }).click();
    await page.waitForURL(/revoked=/);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Klinik Vest er tilbagekaldt.');
    expect(await page.getByRole('row', { name: /Klinik Vest/ }).innerText()).toContain('Tilbagekaldt');
    expect(await statusWith(key)).toBe(401);
    await expectAccessible(page);
  });
});

describe('an administrator replays a failed delivery in Chromium', () => {
  it('lists the failed letter, and after the confirmation it is delivered', async () => {
    await stack.startAdapters();
    stack.receiver.script([503, 503, 503, 503]);
    const sent = await stack.api().post('/v1/messages').auth(stack.senderKey, { type: 'bearer' }).send(testLetter());
    expect(sent.status).toBe(202);
    await waitForStatus(stack, sent.body.id, 'failed');
    stack.receiver.script([]);

    await page.goto('/console/dead-letters');
    const row = page.getByRole('row', { name: new RegExp(sent.body.id) });
    expect(await row.innerText()).toContain('503');
    await expectAccessible(page);
    await screenshot(page, 'dead-letters');
    await row.getByRole('button', { name: 'Send igen' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send igen' }).click();
    await page.waitForURL(/done=replayed/);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Brevet er sat i kø igen.');
    await waitForStatus(stack, sent.body.id, 'delivered');
    expect(await page.getByText('Ingen fejlede leveringer.').isVisible()).toBe(true);
  });
});

describe('an administrator imports a SOR extract in Chromium', () => {
  const header =
    'sorId;parentSorId;kind;name;displayName;sector;municipalityCode;regionCode;unitType;address;ean;accepts;endpoint;validFrom;validTo;active;successorSorId';
  const newUnit = `200041000016008;${sorIds.municipalityOwner};unit;Testby Kommune, Hjemmesygepleje Nord;;municipality;751;;;;${ean('579000020005')};CareCommunication;;2020-01-01;;;`;
  const badEan = `200051000016009;${sorIds.municipalityOwner};unit;Testby Kommune, Forkert EAN;;municipality;751;;;;5790000200051;CareCommunication;;2020-01-01;;;`;

  it('previews what would be created and refused, changes nothing until Apply', async () => {
    await page.goto('/console/directory/import');
    await page.getByLabel('CSV-indhold').fill([header, newUnit, badEan].join('\n'));
    await page.getByRole('button', { name: 'Vis hvad der ville ske' }).click();
    const report = page.locator('.import-report');
    await expect.poll(() => report.innerText()).toContain('Forhåndsvisning: intet er ændret endnu');
    expect(await report.innerText()).toContain('1 oprettes');
    expect(await page.locator('table.import-refused').innerText()).toContain('200051000016009');
    expect(await mailboxStatus('200041000016008')).toBe(404);
    await expectAccessible(page);
    await screenshot(page, 'import-preview');

    await page.getByRole('button', { name: 'Anvend importen' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Importen er anvendt.');
    expect(await mailboxStatus('200041000016008')).toBe(200);
    expect(await mailboxStatus('200051000016009')).toBe(404);
  });

  it('takes the extract from a chosen file and previews which imported mailboxes it would deactivate', async () => {
    const otherUnit = `200061000016010;${sorIds.municipalityOwner};unit;Testby Kommune, Træning;;municipality;751;;;;${ean('579000020006')};CareCommunication;;2020-01-01;;;`;
    await page.goto('/console/directory/import');
    await page.getByLabel('Vælg en CSV-fil').setInputFiles({
      name: 'sor-udtraek.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from([header, otherUnit].join('\r\n'), 'utf8'),
    });
    const option = page.getByLabel('Nedlæg postkasser, der mangler i udtrækket');
    expect(await option.isChecked()).toBe(false);
    await option.check();
    await page.getByRole('button', { name: 'Vis hvad der ville ske' }).click();
    const missing = page.getByRole('list', { name: /1 postkasse nedlægges, fordi den mangler i udtrækket/ });
    await expect.poll(() => missing.innerText()).toContain('Testby Kommune, Hjemmesygepleje Nord');
    // Mailboxes created by hand are outside the extract's scope.
    expect(await missing.innerText()).not.toContain('Socialpsykiatri');
    expect(await page.getByLabel('CSV-indhold').inputValue()).toContain('200061000016010');
    expect(await option.isChecked()).toBe(true);
    expect(await mailboxActive('200041000016008')).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'import-deactivate-missing');

    await page.getByRole('button', { name: 'Anvend importen' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Importen er anvendt.');
    expect(await page.locator('.import-report').innerText()).toContain('1 postkasse er nedlagt');
    expect(await mailboxActive('200041000016008')).toBe(false);
    expect(await mailboxActive(sorIds.socialPsychiatry)).toBe(true);
  });
});

const mailboxActive = async (sorId: string) =>
  (await stack.api().get(`/v1/directory/mailboxes/${sorId}`).auth(stack.adminKey, { type: 'bearer' })).body.active;

const mailboxStatus = async (sorId: string) =>
  (await stack.api().get(`/v1/directory/mailboxes/${sorId}`).auth(stack.adminKey, { type: 'bearer' })).status;
