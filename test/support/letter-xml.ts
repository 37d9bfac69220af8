import type { TestStack } from './stack.ts';

/** `GET /v1/messages/{id}/xml` as the given client, the body as text. */
export async function fetchLetterXml(stack: TestStack, letterId: string, key: string): Promise<string> {
  const res = await stack
    .api()
    .get(`/v1/messages/${letterId}/xml`)
    .auth(key, { type: 'bearer' })
    .buffer(true)
    .parse((stream, done) => {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      stream.on('end', () => done(null, text));
    });
  if (res.status !== 200) throw new Error(`GET /xml answered ${res.status}`);
  return res.body as string;
}

/** What identifies one sending of a letter: the Bundle's id and time, its MessageHeader's id. */
export function sendingOf(xml: string) {
  const value = (pattern: RegExp) => pattern.exec(xml)?.[1];
  return {
    bundleId: value(/<Bundle xmlns="http:\/\/hl7.org\/fhir">\s*<id value="([^"]+)"/),
    timestamp: value(/<timestamp value="([^"]+)"/) ?? '',
    recorded: value(/<recorded value="([^"]+)"/),
    messageHeaderId: value(/<MessageHeader>\s*<id value="([^"]+)"/),
  };
}

/** The letter with its sending's stamp (Bundle id, timestamp, this Provenance's recorded time) blanked out. */
export function withoutSendingStamp(xml: string): string {
  const { bundleId, timestamp } = sendingOf(xml);
  return xml
    .replace(`<id value="${bundleId}"/>`, '<id value="(sending)"/>')
    .replace(`<timestamp value="${timestamp}"/>`, '<timestamp value="(sending)"/>')
    .replaceAll(`<recorded value="${timestamp}"/>`, '<recorded value="(sending)"/>');
}
