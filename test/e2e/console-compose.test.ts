import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { sorIds, testFiles, windowsExecutable, type TestFile } from '../support/fixtures.ts';
import { consoleAgent, csrfOf } from '../support/console-session.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ adapters: false });
});
afterAll(async () => {
  await stack?.stop();
});

const keyOf = (page: string) => /name="idempotencyKey" value="([^"]+)"/.exec(page)![1]!;

const signedIn = (key: string) => consoleAgent(stack.url, key);

const letterFields = {
  sender: sorIds.psychiatryUnit,
  recipient: sorIds.socialPsychiatry,
  recipientName: 'Testby Kommune, Socialpsykiatri',
  cpr: '250947-9989',
  given: 'Nancy Ann',
  family: 'Berggren',
  category: 'psychiatry-social-disability',
  text: 'Patienten udskrives fredag.',
  authorName: 'Else Jensen',
  authorRole: 'sygeplejerske',
  authorPhone: '+45 12345678',
};

type Agent = ReturnType<typeof request.agent>;

/** The compose form as a browser without the script posts it: the fields in page order, then the files. */
function postForm(
  agent: Agent,
  fields: Record<string, string | string[]>,
  files: Array<{ name: string; type: string; bytes: Buffer }> = [],
) {
  let req = agent.post('/console/compose').set('Origin', stack.url);
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) req = req.field(name, one);
  for (const file of files) req = req.attach('files', file.bytes, { filename: file.name, contentType: file.type });
  return req;
}

const upload = (file: TestFile) => ({
  name: `${file.title}.${file.contentType.split('/')[1]}`,
  type: file.contentType,
  bytes: file.bytes,
});

async function composePage(agent: Agent) {
  const page = await agent.get(`/console/compose?recipient=${sorIds.socialPsychiatry}`);
  expect(page.status).toBe(200);
  return { _csrf: csrfOf(page.text), idempotencyKey: keyOf(page.text) };
}

describe('a clinic sends a letter from the console without the script', () => {
  it('asks to confirm the warnings, sends with the files chosen again, and a second post of the page sends nothing new', async () => {
    const agent = await signedIn(stack.senderKey);
    // A key that only sends starts at the compose page.
    expect((await agent.get('/console')).headers.location).toBe('/console/compose');
    const page = await composePage(agent);
    const files = testFiles(2).map(upload);
    const before = await letterTableCounts(stack.database.db);

    const held = await postForm(agent, { ...page, ...letterFields }, files);
    expect(held.status).toBe(409);
    expect(held.text).toContain('Kontrollér modtageren');
    expect(held.text).toMatch(/name="acknowledgedWarnings" value="first-contact" required/);
    expect(held.text).toContain('Filerne skal vælges igen');
    expect((await letterTableCounts(stack.database.db)).letters).toBe(before.letters);

    const sent = await postForm(agent, { ...page, ...letterFields, acknowledgedWarnings: 'first-contact' }, files);
    expect(sent.status).toBe(303);
    const location = String(sent.headers.location);
    expect(location).toMatch(/^\/console\/sent\/[0-9a-f-]{36}$/);
    const id = location.split('/').pop()!;
    const status = await stack.api().get(`/v1/messages/${id}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.body.attachments).toHaveLength(2);
    expect(status.body.recipient.sorId).toBe(sorIds.socialPsychiatry);

    const statusPage = await agent.get(location);
    expect(statusPage.status).toBe(200);
    expect(statusPage.text).toContain('Brevet til Testby Kommune, Socialpsykiatri.');
    expect(statusPage.text).toContain(`href="/console/sent/${id}"`);
    expect(statusPage.text).not.toMatch(/http-equiv="refresh"/i);
    const json = await agent.get(`${location}/status`).set('Accept', 'application/json');
    expect(json.body).toMatchObject({ status: expect.stringMatching(/accepted|queued/), final: false });

    // The page sent once more (a reload, a double click): the same letter, not a second one.
    const again = await postForm(agent, { ...page, ...letterFields, acknowledgedWarnings: 'first-contact' }, files);
    expect(again.headers.location).toBe(location);
    expect((await letterTableCounts(stack.database.db)).letters).toBe(before.letters! + 1);
  });

  it('answers the script with JSON: the warning dialog, then where the letter is', async () => {
    const agent = await signedIn(stack.senderKey);
    const page = await composePage(agent);
    const fields = { ...page, ...letterFields, recipient: sorIds.gpClinic, recipientName: 'Lægerne i Testby' };
    const held = await postForm(agent, fields).set('Accept', 'application/json');
    expect(held.status).toBe(409);
    expect(held.body.code).toBe('confirmation-required');
    expect(held.body.dialog).toMatch(/^<dialog id="compose-warnings"/);
    expect(held.body.dialog).toContain('data-codes="first-contact"');
    const sent = await postForm(agent, { ...fields, acknowledgedWarnings: 'first-contact' }).set(
      'Accept',
      'application/json',
    );
    expect(sent.status).toBe(200);
    expect(sent.body.location).toBe(`/console/sent/${sent.body.id}`);
  });
});

describe('the compose routes refuse and store nothing', () => {
  it('a form without the page’s CSRF token, or with it after a file, is refused with 403', async () => {
    const agent = await signedIn(stack.senderKey);
    const page = await composePage(agent);
    const files = testFiles(1).map(upload);
    const before = await letterTableCounts(stack.database.db);
    const fields = { ...letterFields, acknowledgedWarnings: 'first-contact', idempotencyKey: page.idempotencyKey };

    const missing = await postForm(agent, fields, files);
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Formularen var for gammel');
    const wrong = await postForm(agent, { _csrf: 'x'.repeat(32), ...fields }, files);
    expect(wrong.status).toBe(403);
    const late = await agent
      .post('/console/compose')
      .attach('files', files[0]!.bytes, { filename: 'a.pdf', contentType: 'application/pdf' })
      .field('_csrf', page._csrf);
    expect(late.status).toBe(403);
    const crossSite = await postForm(agent, { ...page, ...fields }, files).set('Origin', 'https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('a client without the sender role gets 403 at the page and the post', async () => {
    const agent = await signedIn(stack.adminKey);
    expect((await agent.get('/console/compose')).status).toBe(403);
    const form = await agent.get('/console/directory');
    const before = await letterTableCounts(stack.database.db);
    const res = await postForm(agent, { _csrf: csrfOf(form.text), ...letterFields }, testFiles(1).map(upload));
    expect(res.status).toBe(403);
    expect(res.text).toContain('Din nøgle har ikke adgang til dette.');
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('a file that is not what its name says, or an eleventh file, is refused in plain words', async () => {
    const agent = await signedIn(stack.senderKey);
    const page = await composePage(agent);
    const fields = { ...page, ...letterFields, acknowledgedWarnings: 'first-contact' };
    const before = await letterTableCounts(stack.database.db);

    const disguised = await postForm(agent, fields, [
      upload(testFiles(1)[0]!),
      { name: 'journal.pdf', type: 'application/pdf', bytes: windowsExecutable },
    ]);
    expect(disguised.status).toBe(422);
    expect(disguised.text).toContain('Filen journal.pdf er ikke den type, navnet siger.');

    const eleven = await postForm(agent, fields, testFiles(11, 2_000).map(upload));
    expect(eleven.status).toBe(422);
    expect(eleven.text).toContain('Et brev kan have højst ti filer.');

    const noCpr = await postForm(agent, { ...fields, cpr: '12345' });
    expect(noCpr.status).toBe(422);
    expect(noCpr.text).toContain('Et felt er ikke udfyldt rigtigt: CPR-nummer');
    // What was typed is shown again to be corrected (the page is never cached).
    expect(noCpr.text).toMatch(/id="compose-cpr"\s+name="cpr"\s+value="12345"/);
    expect(await letterTableCounts(stack.database.db)).toEqual(before);
  });

  it('a sender sees only its own letters’ status pages', async () => {
    const other = await stack
      .api()
      .post('/v1/admin/clients')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({ name: 'Klinik Nord', roles: ['sender'], senders: [sorIds.gpClinic] });
    const agent = await signedIn(stack.senderKey);
    const page = await composePage(agent);
    const sent = await postForm(agent, { ...page, ...letterFields, acknowledgedWarnings: 'first-contact' });
    expect(sent.status).toBe(303);
    const stranger = await signedIn(other.body.key);
    const location = String(sent.headers.location);
    expect((await stranger.get(location)).status).toBe(404);
    expect((await stranger.get(`${location}/status`)).status).toBe(404);
  });
});
