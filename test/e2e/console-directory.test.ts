import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ean, sorIds } from '../support/fixtures.ts';
import { consoleAgent, csrfOf } from '../support/console-session.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const lookAlikeSorId = '200031000016007';
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
  // A unit whose name differs from the social psychiatry's by two words.
  const res = await stack
    .api()
    .post('/v1/directory/mailboxes')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({
      sorId: lookAlikeSorId,
      ean: ean('579000020004'),
      name: 'Testby Kommune, Socialpsykiatri og Udsatte',
      parentSorId: sorIds.municipalityOwner,
      sector: 'municipality',
      municipalityCode: '751',
      accepts: ['CareCommunication'],
    });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

const signedIn = (key: string) => consoleAgent(stack.url, key);

async function senderAgent() {
  return signedIn(stack.senderKey);
}

const editForm = (page: string) => {
  const values: Record<string, string> = {};
  for (const match of page.matchAll(/<input\s[^>]*name="(\w+)"[^>]*value="([^"]*)"/g)) values[match[1]!] = match[2]!;
  for (const match of page.matchAll(/<textarea[^>]*name="(\w+)"[^>]*>([^<]*)<\/textarea>/g))
    values[match[1]!] = match[2]!;
  for (const match of page.matchAll(/<select[^>]*name="(\w+)"[^>]*>[\s\S]*?<option value="(\w+)" selected/g))
    values[match[1]!] = match[2]!;
  return values;
};

describe('the directory in the console', () => {
  it('a page behind sign-in sends a visitor to sign in and back to the deep link', async () => {
    const res = await request(stack.url).get('/console/directory?q=socialpsykiatri');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Fdirectory%3Fq%3Dsocialpsykiatri');
  });

  it('searches with a type="search" field and shows path, sector, EAN and state', async () => {
    const agent = await senderAgent();
    const res = await agent.get('/console/directory?q=testby+socialpsykiatri');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<input\s+type="search"\s+id="q"\s+name="q"\s+value="testby socialpsykiatri"/);
    expect(res.text).toContain(`href="/console/mailboxes/${sorIds.socialPsychiatry}"`);
    expect(res.text).toContain('Testby Kommune</td>');
    expect(res.text).toContain('Kommune</td>');
    expect(res.text).toContain(ean('579000020002'));
    expect(res.text).toContain('I drift');
    const closed = await agent.get('/console/directory?q=lukket+hjemmepleje');
    expect(closed.text).toContain('Nedlagt');
    const none = await agent.get('/console/directory?q=zzzqqqxxx');
    expect(none.text).toContain('Ingen postkasser passer til søgningen.');
  });

  it('a mailbox page has breadcrumbs, look-alikes with the differing words marked, and its history', async () => {
    const agent = await senderAgent();
    const res = await agent.get(`/console/mailboxes/${sorIds.socialPsychiatry}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<nav aria-label="Placering i hierarkiet">/);
    expect(res.text).toContain(`<a href="/console/mailboxes/${sorIds.municipalityOwner}">Testby Kommune</a>`);
    expect(res.text).toContain('<span aria-current="page">Testby Kommune, Socialpsykiatri</span>');
    expect(res.text).toContain(`href="/console/mailboxes/${lookAlikeSorId}"`);
    expect(res.text).toContain('<mark class="differs">og</mark>');
    expect(res.text).toContain('<mark class="differs">Udsatte</mark>');
    expect(res.text).toContain('Oprettet');
    // A sender reads but does not edit.
    expect(res.text).not.toContain('/edit"');
    expect(res.text).not.toContain('/deactivate"');
  });

  it('the API decides: a sender cannot open the edit form or post a change', async () => {
    const agent = await senderAgent();
    const form = await agent.get(`/console/mailboxes/${sorIds.gpClinic}/edit`);
    expect(form.status).toBe(403);
    expect(form.text).toContain('Din nøgle har ikke adgang til dette.');
    const page = await agent.get(`/console/mailboxes/${sorIds.gpClinic}`);
    const res = await agent
      .post(`/console/mailboxes/${sorIds.gpClinic}/edit`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version: '1', name: 'Overtaget' });
    expect(res.status).toBe(403);
    const mailbox = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.gpClinic}`)
      .auth(stack.senderKey, { type: 'bearer' });
    expect(mailbox.body.name).toBe('Lægerne i Testby');
  });

  it('an admin edits with the version read; a stale version shows both versions and saves nothing', async () => {
    const agent = await signedIn(stack.adminKey);
    const page = await agent.get(`/console/mailboxes/${sorIds.gpClinic}/edit`);
    expect(page.status).toBe(200);
    const form = editForm(page.text);
    expect(form.version).toBe('1');
    const { _csrf, ...withoutCsrf } = form;
    expect(_csrf).toBeDefined();
    const withoutToken = await agent.post(`/console/mailboxes/${sorIds.gpClinic}/edit`).type('form').send(withoutCsrf);
    expect(withoutToken.status).toBe(403);

    const saved = await agent
      .post(`/console/mailboxes/${sorIds.gpClinic}/edit`)
      .type('form')
      .send({ ...form, address: 'Torvet 1, 7100 Testby' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/console/mailboxes/${sorIds.gpClinic}?done=saved`);
    const after = await agent.get(saved.headers.location!);
    expect(after.text).toContain('Ændringerne er gemt.');
    expect(after.text).toContain('Torvet 1, 7100 Testby');
    expect(after.text).toMatch(/Adresse: <del>—<\/del> → <ins>Torvet 1, 7100 Testby<\/ins>/);

    // The same stale form (version 1) again: a conflict, nothing stored.
    const stale = await agent
      .post(`/console/mailboxes/${sorIds.gpClinic}/edit`)
      .type('form')
      .send({ ...form, displayName: 'Lægehuset' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Nogen har ændret postkassen imens');
    expect(stale.text).toContain('Du redigerede version 1, men postkassen er nu i version 2.');
    expect(stale.text).toMatch(/<th scope="row">Visningsnavn<\/th>\s*<td>Lægehuset<\/td>\s*<td>—<\/td>/);
    expect(stale.text).toMatch(/<th scope="row">Adresse<\/th>\s*<td>—<\/td>\s*<td>Torvet 1, 7100 Testby<\/td>/);
    expect(editForm(stale.text).version).toBe('2');
    const mailbox = await stack
      .api()
      .get(`/v1/directory/mailboxes/${sorIds.gpClinic}`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(mailbox.body).toMatchObject({ version: 2, displayName: null });

    const events = await stack.database.db.query(
      `SELECT action, actor_name FROM audit_events WHERE sor_id = $1 ORDER BY seq`,
      [sorIds.gpClinic],
    );
    expect(events.rows.at(-1)).toEqual({ action: 'mailbox-updated', actor_name: 'bootstrap-admin' });
  });

  it('an invalid field is shown at the field and nothing is stored', async () => {
    const agent = await signedIn(stack.adminKey);
    const form = editForm((await agent.get(`/console/mailboxes/${lookAlikeSorId}/edit`)).text);
    const res = await agent
      .post(`/console/mailboxes/${lookAlikeSorId}/edit`)
      .type('form')
      .send({ ...form, municipalityCode: '75' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Nogle felter skal rettes.');
    expect(res.text).toMatch(/id="field-municipalityCode"[^>]*aria-describedby="field-municipalityCode-error"/);
    const badEan = await agent
      .post(`/console/mailboxes/${lookAlikeSorId}/edit`)
      .type('form')
      .send({ ...form, ean: '5790000200041' });
    expect(badEan.status).toBe(422);
    expect(badEan.text).toContain('EAN-nummeret har et forkert kontrolciffer.');
  });

  it('an admin deactivates with a successor; a closed successor is refused in plain words', async () => {
    const agent = await signedIn(stack.adminKey);
    const page = await agent.get(`/console/mailboxes/${lookAlikeSorId}`);
    const csrf = csrfOf(page.text);
    const refused = await agent
      .post(`/console/mailboxes/${lookAlikeSorId}/deactivate`)
      .type('form')
      .send({ _csrf: csrf, version: '1', successorSorId: sorIds.closedUnit });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Efterfølgeren skal findes i adressebogen og være i drift');

    const done = await agent
      .post(`/console/mailboxes/${lookAlikeSorId}/deactivate`)
      .type('form')
      .send({ _csrf: csrf, version: '1', successorSorId: sorIds.socialPsychiatry });
    expect(done.status).toBe(303);
    const after = await agent.get(done.headers.location!);
    expect(after.text).toContain('Postkassen er nedlagt.');
    expect(after.text).toContain(
      `<a href="/console/mailboxes/${sorIds.socialPsychiatry}">${sorIds.socialPsychiatry}</a>`,
    );
    expect(after.text).not.toContain('/deactivate"');
    const mailbox = await stack
      .api()
      .get(`/v1/directory/mailboxes/${lookAlikeSorId}`)
      .auth(stack.adminKey, { type: 'bearer' });
    expect(mailbox.body).toMatchObject({ active: false, successorSorId: sorIds.socialPsychiatry });
  });

  it('an unknown mailbox is a page saying so', async () => {
    const agent = await senderAgent();
    const res = await agent.get('/console/mailboxes/999991000016999');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Postkassen findes ikke');
  });
});

describe('the import page takes a chosen CSV file', () => {
  const file = Buffer.from(
    `sorId;parentSorId;kind;name;sector;municipalityCode;ean;accepts\r\n200071000016011;${sorIds.municipalityOwner};unit;Testby Kommune, Tandplejen;municipality;751;${ean('579000020007')};CareCommunication\r\n`,
  );

  it('previews the file when its form carries the CSRF token first, and refuses it otherwise', async () => {
    const agent = await signedIn(stack.adminKey);
    const csrf = csrfOf((await agent.get('/console/directory/import')).text);
    const forged = await agent
      .post('/console/directory/import')
      .attach('csvFile', file, { filename: 'sor.csv', contentType: 'text/csv' })
      .field('_csrf', csrf);
    expect(forged.status).toBe(403);
    const preview = await agent
      .post('/console/directory/import')
      .field('_csrf', csrf)
      .field('deactivateMissing', '1')
      .attach('csvFile', file, { filename: 'sor.csv', contentType: 'text/csv' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Forhåndsvisning: intet er ændret endnu');
    expect(preview.text).toContain('1 oprettes');
    // No earlier import put anything in this directory, so nothing is missing from the extract.
    expect(preview.text).toContain('0 postkasser nedlægges, fordi de mangler i udtrækket');
    expect(preview.text).toMatch(/name="deactivateMissing"[^>]*checked/);
    const res = await stack
      .api()
      .get('/v1/directory/mailboxes/200071000016011')
      .auth(stack.adminKey, { type: 'bearer' });
    expect(res.status).toBe(404);
  });
});

describe('the import page refuses a file it cannot read', () => {
  it('a file that is not UTF-8 is refused on the page, with nothing imported', async () => {
    const agent = await signedIn(stack.adminKey);
    const csrf = csrfOf((await agent.get('/console/directory/import')).text);
    const latin1 = Buffer.from('sorId;name\r\n200081000016012;Testby Kommune, Ældrepleje\r\n', 'latin1');
    const res = await agent
      .post('/console/directory/import')
      .field('_csrf', csrf)
      .attach('csvFile', latin1, { filename: 'sor.csv', contentType: 'text/csv' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Filen er ikke UTF-8.');
    expect(res.text).toContain('<input type="file" id="import-file"');
  });
});
