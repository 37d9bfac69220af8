import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgementRecordedSchema } from '../../schemas/acknowledgement.ts';
import { accessEventsAnswerSchema } from '../../schemas/access-events.ts';
import { auditEventSchema } from '../../schemas/audit.ts';
import { letterAcceptedSchema, letterEventsSchema, letterStatusSchema } from '../../schemas/letter-responses.ts';
import { mailboxSchema } from '../../schemas/mailbox.ts';
import { openApiDocument } from '../../schemas/openapi.ts';
import { problemSchema } from '../../schemas/problem.ts';
import { sorIds, testFiles, testLetter, withBase64 } from '../support/fixtures.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * The response schemas in schemas/ are what the handlers' types come from and what the OpenAPI
 * document shows; here real answers of the running gateway are held to them.
 */

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validators = new Map<object, ValidateFunction>();
function expectMatches(schema: object, body: unknown): void {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  const ok = validate(body);
  expect(ok ? [] : validate.errors).toEqual([]);
}

let stack: TestStack;
let auditorKey: string;
let letterId: string;

beforeAll(async () => {
  stack = await startTestStack();
  const res = await stack
    .api()
    .post('/v1/admin/clients')
    .auth(stack.adminKey, { type: 'bearer' })
    .send({ name: 'Revision', roles: ['auditor'] });
  auditorKey = res.body.key as string;
});
afterAll(async () => {
  await stack?.stop();
});

describe('real answers match the response schemas', () => {
  it('the 202 of a submitted letter', async () => {
    const res = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ attachments: withBase64(testFiles(2, 3_000)) }));
    expect(res.status).toBe(202);
    expectMatches(letterAcceptedSchema, res.body);
    letterId = res.body.id as string;
    await waitForStatus(stack, letterId, 'delivered');
  });

  it("a letter's status and its events", async () => {
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.status).toBe(200);
    expectMatches(letterStatusSchema, status.body);
    expect(status.body.attachments).toHaveLength(2);

    const events = await stack.api().get(`/v1/messages/${letterId}/events`).auth(stack.senderKey, { type: 'bearer' });
    expect(events.status).toBe(200);
    expectMatches(letterEventsSchema, events.body);
    expect(events.body.events.map((event: { action: string }) => event.action)).toContain('delivered');
  });

  it('an acknowledgement recorded, and the status that shows it', async () => {
    const res = await stack
      .api()
      .post('/v1/acknowledgements')
      .auth(stack.adapterKey, { type: 'bearer' })
      .send({ messageId: letterId, outcome: 'transient-error', code: 'MSG_Mailbox_Out_Of_Operation', text: 'Lukket' });
    expect(res.status).toBe(200);
    expectMatches(acknowledgementRecordedSchema, res.body);
    const status = await stack.api().get(`/v1/messages/${letterId}`).auth(stack.senderKey, { type: 'bearer' });
    expectMatches(letterStatusSchema, status.body);
    expect(status.body.acknowledgement.code).toBe('transient-error');
  });

  it('a mailbox', async () => {
    const created = await stack
      .api()
      .post('/v1/directory/mailboxes')
      .auth(stack.adminKey, { type: 'bearer' })
      .send({
        sorId: '999991000016001',
        name: 'Skemaprøve, Afsnit 1',
        sector: 'region',
        accepts: ['CareCommunication'],
        parentSorId: sorIds.psychiatryUnit,
      });
    expect(created.status).toBe(201);
    expectMatches(mailboxSchema, created.body);
  });

  it('audit events as the auditor sees them', async () => {
    const res = await stack.api().get(`/v1/audit/events?letterId=${letterId}`).auth(auditorKey, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.events.length).toBeGreaterThan(2);
    for (const event of res.body.events) expectMatches(auditEventSchema, event);
  });

  it('the access log as the auditor searches it', async () => {
    const res = await stack
      .api()
      .post('/v1/audit/access-events/search')
      .auth(auditorKey, { type: 'bearer' })
      .send({ letterId });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(1);
    expectMatches(accessEventsAnswerSchema, res.body);
    const documented = openApiDocument.paths['/v1/audit/access-events/search'].post.responses['200'];
    expect(documented.content['application/json'].schema).toBe(accessEventsAnswerSchema);
  });

  it('a refusal', async () => {
    const res = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ category: 'not-a-category' }));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectMatches(problemSchema, res.body);
  });

  it('the OpenAPI document shows the same schemas', () => {
    const { schemas } = openApiDocument.components;
    expect(schemas.LetterAccepted).toBe(letterAcceptedSchema);
    expect(schemas.LetterStatus).toBe(letterStatusSchema);
    expect(schemas.AuditEvent).toBe(auditEventSchema);
    expect(schemas.Problem).toBe(problemSchema);
    expect(schemas.AcknowledgementRecorded).toBe(acknowledgementRecordedSchema);
    const responses = openApiDocument.paths['/v1/messages'].post.responses as Record<string, unknown>;
    expect(responses['202']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/LetterAccepted' } } },
    });
  });
});
