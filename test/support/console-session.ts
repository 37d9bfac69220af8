import request from 'supertest';

/** The CSRF token a console page carries in its forms. */
export const csrfOf = (page: string): string => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

/**
 * A supertest agent signed in to the console at `url` with an API key, as a person does with the
 * sign-in form; it keeps the session cookie. A refused sign-in fails the calling test.
 */
export async function consoleAgent(url: string, key: string): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(url);
  const form = await agent.get('/console/sign-in');
  const res = await agent
    .post('/console/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(form.text), apiKey: key });
  if (res.status !== 303) throw new Error(`console sign-in answered ${res.status}, expected 303`);
  return agent;
}
