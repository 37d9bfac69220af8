import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { LetterSizeTracker, type AttachmentLimits } from '../attachments/attachment-checks.ts';
import { assertSafeText, letterTextSkipped, parseStrictJson } from '../http/json-body.ts';
import { ProblemError } from '../platform/problem.ts';
import { discardRest } from '../http/request-drain.ts';

/** The `message` part carries the letter without attachment bytes; 1 MiB is far above any real one. */
export const maxMessagePartBytes = 1024 * 1024;

/** Room for the preamble and part headers in front of the message (busboy caps part headers at 16 KiB). */
const messageHeaderSlackBytes = 64 * 1024;

/** Busboy's per-file buffer: with backpressure, this is what may wait ahead of a slow handler. */
const fileBufferBytes = 64 * 1024;

export interface MultipartFile {
  /** The client's file name, base name only; display titles come from the message JSON. */
  filename: string;
  /** The part's Content-Type header, informative only: the message's `contentType` is checked against magic bytes. */
  mimeType: string;
  /** The file's bytes, never more than `maxFileBytes` in total; ends only after the whole part arrived. */
  stream: AsyncIterable<Buffer>;
}

export interface MultipartLetterHandlers {
  /** Called once with the parsed `message` JSON before any file is read; may throw ProblemError to abort. */
  onMessage(message: unknown): Promise<void>;
  /**
   * Called for each file part in order, never concurrently; must consume `file.stream` to its end
   * (e.g. through `rechunk` and an `AttachmentInspector` into the database). The reader reads no
   * further than the handler has consumed, so a slow handler slows the client, not our memory.
   */
  onFile(position: number, file: MultipartFile): Promise<void>;
}

const malformed = (detail: string) =>
  new ProblemError(400, 'multipart-malformed', 'Multipart body is malformed', detail);

function tooManyAttachments(maxCount: number): ProblemError {
  return new ProblemError(
    422,
    'too-many-attachments',
    'Too many attachments',
    `a letter carries at most ${maxCount} attachments`,
  );
}

function countMismatch(declared: number, detail: string): ProblemError {
  return new ProblemError(
    422,
    'attachment-count-mismatch',
    'File parts do not match the declared attachments',
    `the message declares ${declared} attachments; ${detail}`,
  );
}

function fileTooLarge(maxFileBytes: number): ProblemError {
  return new ProblemError(
    413,
    'attachment-too-large',
    'Attachment is too large',
    `an attachment may be at most ${maxFileBytes} bytes`,
  );
}

function unexpectedField(): ProblemError {
  return new ProblemError(
    422,
    'multipart-unexpected-field',
    'Unexpected form field',
    'the only form field is "message"; each attachment is a file part with a filename',
  );
}

function messageTooLarge(): ProblemError {
  return new ProblemError(
    413,
    'multipart-message-too-large',
    'Message part is too large',
    `the "message" part may be at most ${maxMessagePartBytes} bytes`,
  );
}

function messageNotFirst(): ProblemError {
  return new ProblemError(
    422,
    'multipart-message-first',
    'Message part must come first',
    'send the "message" field before any file part',
  );
}

function messageMissing(): ProblemError {
  return new ProblemError(
    422,
    'multipart-message-missing',
    'Message part is missing',
    'the body must start with a "message" field holding the letter JSON',
  );
}

function declaredAttachmentCount(message: unknown): number {
  const attachments = (message as { attachments?: unknown } | null)?.attachments;
  return Array.isArray(attachments) ? attachments.length : 0;
}

/** The same strict parsing and text checks as a JSON body: shape, duplicate keys, characters. */
function parseMessage(value: string): unknown {
  let message: unknown;
  try {
    message = parseStrictJson(Buffer.from(value, 'utf8'));
  } catch (error) {
    if (error instanceof ProblemError && error.code !== 'body-malformed' && error.code !== 'body-empty') throw error;
    throw new ProblemError(
      400,
      'multipart-message-invalid',
      'Message part is not JSON',
      'the "message" part must be a JSON object',
    );
  }
  assertSafeText(message, letterTextSkipped);
  return message;
}

/** The message sent as a file part, as `curl -F message=@letter.json` and FormData with a Blob do. */
async function readMessageFile(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxMessagePartBytes) throw messageTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function createParser(req: IncomingMessage, limits: AttachmentLimits): busboy.Busboy {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'send application/json or multipart/form-data',
    );
  }
  try {
    return busboy({
      headers: req.headers,
      // Browsers and fetch send file names as raw UTF-8; busboy's latin1 default would garble "æøå".
      defParamCharset: 'utf8',
      fileHwm: fileBufferBytes,
      limits: {
        fields: 1,
        fieldSize: maxMessagePartBytes,
        // Room for the message sent as a file and one more, so an eleventh file is refused, not skipped.
        files: limits.maxCount + 2,
        fileSize: limits.maxFileBytes + 1,
        parts: limits.maxCount + 2,
        // No headerPairs: busboy 1.6 ignores it for multipart but caps each part's headers at 16 KiB.
      },
    });
  } catch {
    throw malformed('the multipart/form-data content type needs a boundary');
  }
}

/** After a refusal, the client may still send as much as a letter may carry, so it can read the answer. */
const discardAfterRefusal = (req: IncomingMessage, limits: AttachmentLimits) =>
  discardRest(req, limits.maxLetterBytes + maxMessagePartBytes);

/**
 * Reads a `multipart/form-data` letter: first a `message` field with the letter JSON, then one
 * file part per declared attachment, streamed to the handlers with backpressure. Rejects with a
 * ProblemError at the first fault and stops reading; rolling back the handlers' work is the caller's.
 */
export function readMultipartLetter(
  req: IncomingMessage,
  limits: AttachmentLimits,
  handlers: MultipartLetterHandlers,
): Promise<{ fileCount: number }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = createParser(req, limits);
    } catch (error) {
      discardAfterRefusal(req, limits);
      reject(error);
      return;
    }
    const letterSize = new LetterSizeTracker(limits.maxLetterBytes);
    let messageSeen = false;
    let declaredCount = 0;
    let fileCount = 0;
    let settled = false;
    // Handlers run one after another in part order; each waits for the one before it.
    let chain: Promise<void> = Promise.resolve();

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy(); // also ends the part being read, so a handler waiting on it returns at once
      discardAfterRefusal(req, limits);
      // Reject only once no handler runs any more, so the caller's rollback never races an insert.
      const rejectNow = () => reject(error);
      chain.then(rejectNow, rejectNow);
    };
    const enqueue = (step: () => Promise<void>) => {
      chain = chain.then(() => (settled ? undefined : step()));
      chain.catch(fail);
    };

    const acceptMessage = (readText: () => Promise<string>) => {
      messageSeen = true;
      enqueue(async () => {
        const message = parseMessage(await readText());
        declaredCount = declaredAttachmentCount(message);
        await handlers.onMessage(message);
      });
    };

    parser.on('field', (name, value, info) => {
      if (messageSeen || name !== 'message') fail(unexpectedField());
      else if (info.valueTruncated) fail(messageTooLarge());
      else acceptMessage(async () => value);
    });

    parser.on('file', (name, stream, info) => {
      // A part stream destroyed while queued must not crash the process; its reader sees the error anyway.
      stream.on('error', () => undefined);
      if (!messageSeen && name === 'message') return acceptMessage(() => readMessageFile(stream));
      if (!messageSeen) return fail(messageNotFirst());
      const position = fileCount++;
      if (position >= limits.maxCount) return fail(tooManyAttachments(limits.maxCount));
      enqueue(async () => {
        // Checked in turn, after onMessage accepted the message, so its validation speaks first.
        if (position >= declaredCount) throw countMismatch(declaredCount, 'the body carries more file parts');
        const chunks = limitedChunks(stream, limits.maxFileBytes, letterSize, fail);
        await handlers.onFile(position, { filename: info.filename ?? '', mimeType: info.mimeType, stream: chunks });
        if (!stream.readableEnded) throw new Error(`onFile returned before consuming file part ${position}`);
      });
    });

    parser.on('fieldsLimit', () => fail(unexpectedField()));
    parser.on('filesLimit', () => fail(tooManyAttachments(limits.maxCount)));
    parser.on('partsLimit', () => fail(malformed('the body has more parts than a message and its attachments')));
    parser.on('error', (error) =>
      fail(malformed(error instanceof Error ? error.message : 'unreadable multipart body')),
    );
    parser.on('close', () =>
      enqueue(async () => {
        if (!messageSeen) throw messageMissing();
        if (fileCount !== declaredCount) throw countMismatch(declaredCount, `the body carries ${fileCount} file parts`);
        settled = true;
        resolve({ fileCount });
      }),
    );
    // Since Node 16 'close' follows a complete body too; only an incomplete one means the client left.
    const clientLeft = () => fail(malformed('the request ended before the multipart body was complete'));
    req.on('close', () => {
      if (!req.complete) clientLeft();
    });
    req.on('error', clientLeft);
    req.pipe(parser);
    // Busboy reports a field only once all of it has passed (dropping what is over the limit), so
    // a body that has not delivered its message by 1 MiB and a little is refused now, not after
    // a gigabyte of field has been read.
    let bytesBeforeMessage = 0;
    const watchMessage = (chunk: Buffer) => {
      bytesBeforeMessage += chunk.length;
      if (messageSeen || settled) req.off('data', watchMessage);
      else if (bytesBeforeMessage > maxMessagePartBytes + messageHeaderSlackBytes) fail(messageTooLarge());
    };
    req.on('data', watchMessage);
  });
}

/**
 * The handler's view of a file part: enforces the byte limits before a chunk is handed on, so the
 * handler never receives more than `maxFileBytes`. Leaves the part stream alive if the handler
 * stops early, so the reader can report that instead of stalling.
 */
async function* limitedChunks(
  stream: Readable,
  maxFileBytes: number,
  letterSize: LetterSizeTracker,
  fail: (error: unknown) => void,
): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    try {
      if (size > maxFileBytes) throw fileTooLarge(maxFileBytes);
      letterSize.add(chunk.length);
    } catch (error) {
      // Reported here too, so the client gets the limit even if the handler rewraps the error.
      fail(error);
      throw error;
    }
    yield chunk;
  }
}
