import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorIds, testFiles, testLetter, withBase64, type TestFile } from '../support/fixtures.ts';
import { sendingOf, withoutSendingStamp } from '../support/letter-xml.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** The attachments as the receiving system decodes them from the delivered XML. */
function attachmentsInXml(xml: Buffer): Array<{ contentType: string; title: string; sha256: string }> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['entry', 'payload'].includes(name),
  });
  const tree = parser.parse(xml.toString('utf8'));
  const communication = tree.Bundle.entry
    .map((entry: { resource: Record<string, unknown> }) => entry.resource)
    .find((resource: Record<string, unknown>) => 'Communication' in resource).Communication;
  return communication.payload
    .filter((segment: Record<string, unknown>) => 'contentAttachment' in segment)
    .map((segment: { contentAttachment: Record<string, { value: string }> }) => ({
      contentType: segment.contentAttachment.contentType!.value,
      title: segment.contentAttachment.title!.value,
      sha256: createHash('sha256').update(Buffer.from(segment.contentAttachment.data!.value, 'base64')).digest('hex'),
    }));
}

async function expectDeliveredIntact(letterId: string, files: TestFile[]) {
  await waitForStatus(stack, letterId, 'delivered');
  const deliveries = stack.receiver.deliveriesOf(letterId);
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery!.sector).toBe('municipality');
  expect(delivery!.contentType).toMatch(/^application\/fhir\+xml/);
  expect(delivery!.idempotencyKey).toBe(letterId);
  expect(attachmentsInXml(delivery!.body)).toEqual(
    files.map(({ contentType, title, sha256 }) => ({ contentType, title, sha256 })),
  );
}

describe('a letter with ten attachments reaches the municipality intact', () => {
  it('as JSON with base64 attachments', async () => {
    const files = testFiles(10);
    const res = await stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .send(testLetter({ attachments: withBase64(files) }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'accepted',
      recipient: { sorId: sorIds.socialPsychiatry, name: 'Testby Kommune, Socialpsykiatri', sector: 'municipality' },
    });
    await expectDeliveredIntact(res.body.id, files);

    const status = await stack.api().get(`/v1/messages/${res.body.id}`).auth(stack.senderKey, { type: 'bearer' });
    expect(status.body.attachments).toEqual(
      files.map((f) => ({ title: f.title, contentType: f.contentType, size: f.bytes.length, sha256: f.sha256 })),
    );
    const events = await stack
      .api()
      .get(`/v1/messages/${res.body.id}/events`)
      .auth(stack.senderKey, { type: 'bearer' });
    expect(events.body.events.map((e: { action: string }) => e.action)).toEqual([
      'warning-acknowledged',
      'accepted',
      'queued',
      'delivered',
    ]);
  });

  it('as multipart with the message part first and ten file parts', async () => {
    const files = testFiles(10, 300_000);
    const { attachments: _data, ...letter } = testLetter({ attachments: withBase64(files) }) as Record<string, unknown>;
    let req = stack
      .api()
      .post('/v1/messages')
      .auth(stack.senderKey, { type: 'bearer' })
      .field(
        'message',
        JSON.stringify({ ...letter, attachments: files.map(({ title, contentType }) => ({ title, contentType })) }),
        { contentType: 'application/json' },
      );
    for (const [i, file] of files.entries())
      req = req.attach(`file${i}`, file.bytes, { filename: `bilag-${i}.bin`, contentType: file.contentType });
    const res = await req;
    expect(res.status).toBe(202);
    await expectDeliveredIntact(res.body.id, files);

    const xml = await stack
      .api()
      .get(`/v1/messages/${res.body.id}/xml`)
      .auth(stack.senderKey, { type: 'bearer' })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xml.status).toBe(200);
    // The receiver got the letter as stored, stamped as its own sending (a new Bundle.id and time).
    const delivered = stack.receiver.deliveriesOf(res.body.id)[0]!.body.toString('utf8');
    expect(sendingOf(delivered).bundleId).not.toBe(sendingOf((xml.body as Buffer).toString('utf8')).bundleId);
    expect(withoutSendingStamp(delivered)).toBe(withoutSendingStamp((xml.body as Buffer).toString('utf8')));
  });
});
