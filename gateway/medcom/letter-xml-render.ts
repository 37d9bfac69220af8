import { randomUUID } from 'node:crypto';
import { attachmentPlaceholderPrefix } from '../../schemas/care-communication-xml.ts';

/** One sending of a letter: MedCom wants a new Bundle.id and time each time, the MessageHeader.id unchanged. */
export interface Sending {
  bundleId: string;
  /** ISO 8601; becomes Bundle.timestamp and the recorded time of this message's Provenance. */
  timestamp: string;
}

export function newSending(now = new Date()): Sending {
  return { bundleId: randomUUID(), timestamp: now.toISOString() };
}

const bundleHead = /^(\s*(?:<\?xml[^>]*\?>\s*)?<Bundle xmlns="http:\/\/hl7\.org\/fhir">\s*<id value=")([^"]*)("\/>)/;
const bundleTimestamp = /(<timestamp value=")([^"]*)("\/>)/;

/**
 * The stored template as one sending of it: its Bundle.id, Bundle.timestamp and the recorded
 * time of this message's Provenance (the one recorded when the Bundle was stamped, so a reply's
 * earlier Provenances keep theirs) are replaced. The template is our own builder's output, so
 * these are the Bundle's first `id`, its only `timestamp`, and the `recorded` equal to it.
 */
export function stampSending(template: string, sending: Sending): string {
  const head = bundleHead.exec(template);
  const timestamp = bundleTimestamp.exec(template);
  if (!head || !timestamp) throw new Error('letter template has no Bundle id or timestamp to stamp');
  const recordedThen = `<recorded value="${timestamp[2]}"/>`;
  return template
    .replace(bundleHead, `$1${sending.bundleId}$3`)
    .replace(bundleTimestamp, `$1${sending.timestamp}$3`)
    .replaceAll(recordedThen, `<recorded value="${sending.timestamp}"/>`);
}

/**
 * A placeholder is only ever the whole `value` of a `data` element: user text cannot forge one,
 * because the builder escapes every `<` and `"` it writes.
 */
function placeholderPattern(): RegExp {
  return new RegExp(`(<data value=")${attachmentPlaceholderPrefix}([0-9]+)(")`, 'g');
}

/** Attachment positions named by the template's placeholders, in document order. */
export function templatePlaceholders(template: string): number[] {
  return [...template.matchAll(placeholderPattern())].map((match) => Number(match[2]));
}

/**
 * Bytes encoded at a time: 64 KiB of base64, a string small enough for V8's young generation. A
 * whole 768 KiB chunk as one 1 MiB string goes to the large-object space, which only a full
 * garbage collection frees, and a 10 MB letter sent made ten of them.
 */
const base64PieceBytes = 48 * 1024;

/**
 * Base64 of a byte stream, chunk by chunk. Base64 encodes 3 bytes as 4 characters, so each chunk
 * is encoded up to a multiple of 3 and the 0–2 left-over bytes are carried into the next; the
 * concatenated output equals base64 of all bytes at once whatever the chunking.
 */
export async function* base64Chunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let offset = 0;
    if (carry.length > 0) {
      const needed = 3 - carry.length;
      if (bytes.length < needed) {
        carry = Buffer.concat([carry, bytes]);
        continue;
      }
      yield Buffer.concat([carry, bytes.subarray(0, needed)]).toString('base64');
      offset = needed;
    }
    const aligned = offset + Math.floor((bytes.length - offset) / 3) * 3;
    for (let at = offset; at < aligned; at += base64PieceBytes)
      yield bytes.subarray(at, Math.min(at + base64PieceBytes, aligned)).toString('base64');
    // A copy, so the carried bytes do not keep the whole chunk alive.
    carry = Buffer.from(bytes.subarray(aligned));
  }
  if (carry.length > 0) yield carry.toString('base64');
}

/**
 * The stored letter as sent: the template's text with each `postbud-attachment:N` placeholder
 * replaced by the base64 of attachment N, streamed so that memory holds one chunk at a time and
 * never a whole attachment.
 */
export async function* renderLetterXml(
  template: string,
  attachmentChunks: (position: number) => AsyncIterable<Buffer>,
): AsyncGenerator<string> {
  let from = 0;
  for (const match of template.matchAll(placeholderPattern())) {
    const [whole, opening = '', position = '', closing = ''] = match;
    yield template.slice(from, match.index + opening.length);
    yield* base64Chunks(attachmentChunks(Number(position)));
    yield closing;
    from = match.index + whole.length;
  }
  yield template.slice(from);
}
