import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import {
  isAllowedContentType,
  LetterSizeTracker,
  sniffBytes,
  sniffContentType,
  type AttachmentLimits,
} from '../attachments/attachment-checks.ts';
import { discardRest } from '../http/request-drain.ts';
import { SealedSpool, type SpooledChunk } from './sealed-spool.ts';
import type { SpoolMemory } from './spool-memory.ts';
import type { Vault } from '../platform/crypto.ts';
import { ProblemError } from '../platform/problem.ts';

/** One file of a browser's form, held sealed until the letter it belongs to is opened. */
export interface UploadedFile {
  filename: string;
  /** The browser's guess from the file name; the letter intake checks the bytes. */
  mimeType: string;
  /** The first bytes, for naming the type when the browser's guess is not an allowed one. */
  head: Buffer;
  size: number;
}

export interface FormUpload {
  fields: Map<string, string[]>;
  files: UploadedFile[];
  /** The bytes of file `position`; read each file once, in order (the spool is read once). */
  chunks(position: number): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

/** A form refused while it arrived, with what it held so far, so the page can show it again. */
export class FormUploadRefused extends Error {
  constructor(
    readonly problem: ProblemError,
    readonly fields: ReadonlyMap<string, string[]>,
    readonly files: readonly UploadedFile[],
  ) {
    super(problem.message);
  }
}

const maxFields = 40;
/** The letter text may be 100 000 characters, up to four UTF-8 bytes each. */
const maxFieldBytes = 400_000;
const spoolChunkBytes = 256 * 1024;

const tooManyFiles = (maxCount: number) =>
  new ProblemError(422, 'too-many-attachments', 'Too many attachments', `A letter carries at most ${maxCount} files.`);
const fileTooLarge = (maxFileBytes: number) =>
  new ProblemError(
    413,
    'attachment-too-large',
    'Attachment is too large',
    `A file may be at most ${maxFileBytes} bytes.`,
  );
const malformed = () => new ProblemError(400, 'bad-request', 'Bad request');

/**
 * Reads a letter's form as a browser posts it (`multipart/form-data`: the text fields in page
 * order, then the file parts). A plain form cannot say which files follow before it sends them,
 * so the files are sealed into a spool (memory, then an unlinked temporary file) within the same
 * byte limits as the API, and the letter is opened only once the form is in. `checkFirstField`
 * sees the first field (the CSRF token) before anything else is read.
 */
export function readFormUpload(
  req: IncomingMessage,
  deps: { vault: Vault; limits: AttachmentLimits & { spoolMemory: SpoolMemory } },
  checkFirstField: (name: string, value: string) => void,
): Promise<FormUpload> {
  const { vault, limits } = deps;
  const spool = new SealedSpool(limits.spoolMemory);
  const uploadId = randomBytes(12).toString('hex');
  const aad = (position: number, index: number) => `console-upload:${uploadId}:${position}:${index}`;
  const fields = new Map<string, string[]>();
  const files: UploadedFile[] = [];
  const letterSize = new LetterSizeTracker(limits.maxLetterBytes);

  const readChunks = spoolReader(spool, (chunk) =>
    vault.open(chunk.sealed, chunk.keyId, aad(chunk.position, chunk.index)),
  );
  const upload: FormUpload = {
    fields,
    files,
    chunks: (position) => readChunks(position),
    close: () => spool.close(),
  };

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fields: maxFields,
          fieldSize: maxFieldBytes,
          files: limits.maxCount + 1,
          fileSize: limits.maxFileBytes + 1,
          parts: maxFields + limits.maxCount + 1,
        },
      });
    } catch {
      reject(malformed());
      return;
    }
    let settled = false;
    let sawFirst = false;
    let chain: Promise<void> = Promise.resolve();
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy();
      discardRest(req, limits.maxLetterBytes);
      const refusal = error instanceof ProblemError ? new FormUploadRefused(error, fields, files) : error;
      const rejectNow = () => void spool.close().finally(() => reject(refusal));
      chain.then(rejectNow, rejectNow);
    };
    const first = (name: string, value: string) => {
      if (sawFirst) return;
      sawFirst = true;
      checkFirstField(name, value);
    };

    parser.on('field', (name, value, info) => {
      try {
        first(name, value);
        if (info.valueTruncated) throw malformed();
        fields.set(name, [...(fields.get(name) ?? []), value]);
      } catch (error) {
        fail(error);
      }
    });
    parser.on('file', (name, stream, info) => {
      stream.on('error', () => undefined);
      try {
        first(name, '');
      } catch (error) {
        return fail(error);
      }
      // A file input left empty still sends a part, with no name and no bytes.
      if (!info.filename) return void stream.resume();
      if (name !== 'files') return fail(malformed());
      const position = files.length;
      if (position >= limits.maxCount) return fail(tooManyFiles(limits.maxCount));
      const file: UploadedFile = { filename: info.filename, mimeType: info.mimeType, head: Buffer.alloc(0), size: 0 };
      files.push(file);
      chain = chain.then(async () => {
        let index = 0;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          const plain = Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await spool.add({
            position,
            index,
            keyId: vault.currentKeyId,
            sealed: vault.seal(plain, aad(position, index)),
          });
          index += 1;
        };
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (settled) return;
          file.size += chunk.length;
          if (file.size > limits.maxFileBytes) throw fileTooLarge(limits.maxFileBytes);
          letterSize.add(chunk.length);
          if (file.head.length < sniffBytes) file.head = Buffer.concat([file.head, chunk]).subarray(0, sniffBytes);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= spoolChunkBytes) await flush();
        }
        await flush();
      });
      chain.catch(fail);
    });
    parser.on('filesLimit', () => fail(tooManyFiles(limits.maxCount)));
    parser.on('fieldsLimit', () => fail(malformed()));
    parser.on('partsLimit', () => fail(malformed()));
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => {
      chain.then(() => {
        if (settled) return;
        settled = true;
        resolve(upload);
      }, fail);
    });
    req.on('close', () => {
      if (!req.complete) fail(malformed());
    });
    req.pipe(parser);
  });
}

/**
 * The spool's chunks read once, in arrival order (memory first, then the file), handed out file
 * by file: the files arrived one after another, so each file's chunks are one run.
 */
function spoolReader(spool: SealedSpool, open: (chunk: SpooledChunk) => Buffer) {
  async function* all(): AsyncGenerator<SpooledChunk> {
    yield* spool.memoryChunks;
    for await (const batch of spool.fileBatches(4 * 1024 * 1024)) yield* batch;
  }
  const source = all();
  let peeked: IteratorResult<SpooledChunk> | undefined;
  return async function* chunksOf(position: number): AsyncGenerator<Buffer> {
    for (;;) {
      const next = peeked ?? (await source.next());
      peeked = undefined;
      if (next.done) return;
      // An earlier file left unread is skipped; a later file's chunk waits for its turn.
      if (next.value.position < position) continue;
      if (next.value.position > position) {
        peeked = next;
        return;
      }
      yield open(next.value);
    }
  };
}

/**
 * The type a file is declared as: the browser's guess from its name when that is an allowed
 * type, else what its first bytes say. The letter intake holds every file to its declared type.
 */
export function declaredType(file: Pick<UploadedFile, 'mimeType' | 'head'>): string {
  const guess = file.mimeType.toLowerCase() === 'image/jpg' ? 'image/jpeg' : file.mimeType.toLowerCase();
  if (isAllowedContentType(guess)) return guess;
  return sniffContentType(file.head) ?? guess;
}
