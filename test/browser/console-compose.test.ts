import type { FileChooser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { expectAccessible, launchBrowser, screenshot, signIn, type TestBrowser } from '../support/browser.ts';
import { ean, sorIds, testFiles, type TestFile } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchBrowser(stack.url);
  page = await browser.newPage();
  await signIn(page, stack.senderKey, '/console/compose');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const fileName = (file: TestFile) => `${file.title}.${file.contentType === 'application/pdf' ? 'pdf' : 'png'}`;
const asUpload = (file: TestFile) => ({ name: fileName(file), mimeType: file.contentType, buffer: file.bytes });

async function chooseRecipient(search: string, name: string): Promise<void> {
  await page.goto('/console/compose');
  await page.getByRole('searchbox', { name: 'Søg efter modtageren' }).fill(search);
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=/);
  await page.getByRole('link', { name: `Vælg ${name}`, exact: true }).click();
  await page.waitForURL(/recipient=/);
}

async function fillLetter(): Promise<void> {
  await page.getByLabel('CPR-nummer').fill('250947-9989');
  await page.getByLabel('Fornavne').fill('Nancy Ann');
  await page.getByLabel('Efternavn').fill('Berggren');
  await page.getByLabel('Brevets tekst').fill('Patienten udskrives fredag.\nKontakt venligst bostøtten.');
  await page.getByLabel('Dit navn').fill('Else Jensen');
  await page.getByLabel('Din stilling, fx sygeplejerske').fill('sygeplejerske');
  await page.getByLabel('Dit telefonnummer').fill('+45 12345678');
}

/** Every value the upload bar takes, across the page's navigation to the status page. */
async function watchProgress(): Promise<number[]> {
  const seen: number[] = [];
  // An exposed function outlives navigations; one name per watch, as a page cannot expose one twice.
  const name = `reportProgress${Math.random().toString(36).slice(2)}`;
  await page.exposeFunction(name, (value: number) => seen.push(value));
  await page.evaluate((callback) => {
    const bar = document.getElementById('upload-bar') as HTMLProgressElement;
    const report = (window as unknown as Record<string, (value: number) => void>)[callback]!;
    new MutationObserver(() => report(bar.value)).observe(bar, { attributes: true });
  }, name);
  return seen;
}

async function expectDelivered(files: TestFile[]): Promise<string> {
  await page.waitForURL(/\/console\/sent\//);
  const id = new URL(page.url()).pathname.split('/').pop()!;
  // The page follows the letter by itself until the receiving system has it.
  await expect
    .poll(() => page.locator('#letter-status-words').innerText(), { timeout: 20_000 })
    .toBe('Leveret til modtagerens system');
  const status = await stack.api().get(`/v1/messages/${id}`).auth(stack.senderKey, { type: 'bearer' });
  expect(status.body.attachments.map((a: { sha256: string }) => a.sha256)).toEqual(files.map((f) => f.sha256));
  return id;
}

describe('a clinic composes and sends a letter in Chromium', () => {
  it('sends two files chosen with the file input, confirms the first contact, and follows the letter to delivered and acknowledged', async () => {
    await chooseRecipient('testby socialpsykiatri', 'Testby Kommune, Socialpsykiatri');
    expect(await page.locator('#chosen-name').innerText()).toBe('Testby Kommune, Socialpsykiatri');
    await fillLetter();
    const files = testFiles(2, 200_000);
    await page.getByLabel('Vælg filer (højst 10)').setInputFiles(files.map(asUpload));
    const listed = page.getByRole('list', { name: 'Valgte filer' });
    await expect.poll(() => listed.locator('li').count()).toBe(2);
    await expectAccessible(page);
    await screenshot(page, 'compose');
    const progress = await watchProgress();

    await page.getByRole('button', { name: 'Send brevet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kontrollér modtageren' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain('Det er første gang');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Send alligevel' }).click();
    const id = await expectDelivered(files);
    // The bar went up while the files went out, and reached the end.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(100);
    await expectAccessible(page);
    await screenshot(page, 'sent-letter');

    // The receiving system acknowledges: the page shows it without a reload, and stops asking.
    await stack
      .api()
      .post('/v1/acknowledgements')
      .auth(stack.adapterKey, { type: 'bearer' })
      .send({ messageId: id, outcome: 'positive' })
      .expect(200);
    await expect
      .poll(() => page.locator('#letter-status-words').innerText(), { timeout: 10_000 })
      .toBe('Kvitteret af modtageren');
    await expect.poll(() => page.locator('#letter-status').getAttribute('data-final')).toBe('true');
    expect(await page.locator('li[aria-current="step"]').innerText()).toBe('Kvitteret af modtageren');
  });

  it('sends two files dropped on the drop zone', async () => {
    await chooseRecipient('testby socialpsykiatri', 'Testby Kommune, Socialpsykiatri');
    await fillLetter();
    const files = testFiles(2, 30_000);
    const dataTransfer = await page.evaluateHandle(
      (dropped) => {
        const transfer = new DataTransfer();
        for (const file of dropped) {
          const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
          transfer.items.add(new File([bytes], file.name, { type: file.type }));
        }
        return transfer;
      },
      files.map((file) => ({ name: fileName(file), type: file.contentType, data: file.bytes.toString('base64') })),
    );
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    await expect.poll(() => page.getByRole('list', { name: 'Valgte filer' }).locator('li').count()).toBe(2);
    // No warning any more: the clinic has written to this mailbox before.
    await page.getByRole('button', { name: 'Send brevet' }).click();
    await expectDelivered(files);
  });

  it('shows a blocking finding in plain words and stores nothing', async () => {
    const before = await letterTableCounts(stack.database.db);
    await chooseRecipient('lukket hjemmepleje', 'Testby Kommune, Lukket Hjemmepleje');
    await fillLetter();
    await page.getByRole('button', { name: 'Send brevet' }).click();
    const refusal = page.locator('#compose-refusal');
    await expect.poll(() => refusal.isVisible()).toBe(true);
    expect(await refusal.innerText()).toContain('Brevet er ikke sendt.');
    expect(await refusal.innerText()).toContain(
      'Testby Kommune, Lukket Hjemmepleje modtager ikke breve nu. Vælg en anden modtager.',
    );
    await expectAccessible(page);
    await screenshot(page, 'compose-refused');
    const after = await letterTableCounts(stack.database.db);
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it('shows the chosen mailbox and its look-alike side by side; cancel sends nothing, confirm sends', async () => {
    const lookalike = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({
        sorId: '200031000016007',
        ean: ean('579000020004'),
        name: 'Testby Kommune, Socialpsykiatri og Udsatte Voksne',
        parentSorId: sorIds.municipalityOwner,
        sector: 'municipality',
        municipalityCode: '751',
        accepts: ['CareCommunication'],
      });
    expect(lookalike.status).toBe(201);
    await chooseRecipient('testby socialpsykiatri', 'Testby Kommune, Socialpsykiatri');
    await fillLetter();
    const before = await letterTableCounts(stack.database.db);
    await page.getByRole('button', { name: 'Send brevet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kontrollér modtageren' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const table = dialog.getByRole('table');
    const row = await table.locator('tbody tr').first().locator('td').allInnerTexts();
    expect(row[0]).toBe('Testby Kommune, Socialpsykiatri');
    expect(row[1]).toContain('Testby Kommune, Socialpsykiatri og Udsatte Voksne');
    // Only the look-alike's words the chosen name lacks are marked.
    const marked = await table.locator('tbody tr').first().locator('td').nth(1).locator('mark').allInnerTexts();
    expect(marked.join(' ')).toBe('og Udsatte Voksne');
    expect(await table.locator('tbody tr').first().locator('td').first().locator('mark').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'compose-warning');

    await dialog.getByRole('button', { name: 'Ret brevet' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await letterTableCounts(stack.database.db)).letters).toBe(before.letters);

    await page.getByRole('button', { name: 'Send brevet' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send alligevel' }).click();
    await expectDelivered([]);
  });
});

/** Presses Tab until the focused element matches `selector`, as a keyboard user moves through the page. */
async function tabTo(selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('a clinic composes with the keyboard only', () => {
  it('searches, chooses, writes, attaches, confirms and sends with Tab, Enter and Space', async () => {
    // Listening turns on Chromium's file chooser interception, which playwright-core does without
    // waiting for the browser. Started just before the key press, the interception can come too
    // late on a loaded machine and the chooser is never reported, so listen from the start.
    const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
    await page.goto('/console/compose');
    await tabTo('#compose-q');
    await page.keyboard.type('lægerne testby');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await tabTo('a[href*="recipient="]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/recipient=/);
    const typeInto = async (selector: string, text: string) => {
      await tabTo(selector);
      await page.keyboard.type(text);
    };
    await typeInto('#compose-cpr', '2509479989');
    await typeInto('#compose-given', 'Nancy Ann');
    await typeInto('#compose-family', 'Berggren');
    await typeInto('#compose-text', 'Til lægen: patienten er udskrevet.');
    await typeInto('#compose-author-name', 'Else Jensen');
    await typeInto('#compose-author-role', 'sygeplejerske');
    await typeInto('#compose-author-phone', '+45 12345678');
    const files = testFiles(2, 10_000);
    await tabTo('#compose-files');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(files.map(asUpload));
    await expect.poll(() => page.getByRole('list', { name: 'Valgte filer' }).locator('li').count()).toBe(2);
    await tabTo('#compose-send');
    await page.keyboard.press('Enter');
    // The dialog opens with the safe choice focused; the next Tab reaches "Send anyway".
    const dialog = page.getByRole('dialog', { name: 'Kontrollér modtageren' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(await focused()).toBe('Ret brevet');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Send alligevel');
    await page.keyboard.press('Space');
    await expectDelivered(files);
  });
});
