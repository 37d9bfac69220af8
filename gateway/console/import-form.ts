import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { extractText } from '../directory/directory-import.ts';
import { discardRest } from '../http/request-drain.ts';
import { ProblemError } from '../platform/problem.ts';

/** The import page's form: the pasted text or a chosen file, and the options. */
export interface ImportForm {
  csv: string;
  apply: boolean;
  deactivateMissing: boolean;
}

const maxCsvBytes = 20 * 1024 * 1024;

const tooLarge = () =>
  new ProblemError(413, 'body-too-large', 'Request body too large', 'The extract may be at most 20 MB here.');

/** The form as URL-encoded fields (pasted text, or the Apply of a preview). */
export function importFormOf(body: Record<string, unknown>): ImportForm {
  return {
    csv: typeof body.csv === 'string' ? body.csv : '',
    apply: body.apply === '1',
    deactivateMissing: body.deactivateMissing === '1',
  };
}

/**
 * The form with a chosen file (`multipart/form-data`): `checkFirstField` sees the CSRF token
 * before anything else is read; a chosen file wins over the text box.
 */
export function readImportUpload(
  req: IncomingMessage,
  checkFirstField: (name: string, value: string) => void,
): Promise<ImportForm> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    let first = true;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy();
      discardRest(req, maxCsvBytes);
      reject(error);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fields: 10, fieldSize: maxCsvBytes, files: 1, fileSize: maxCsvBytes + 1 },
      });
    } catch {
      reject(new ProblemError(400, 'bad-request', 'Bad request'));
      return;
    }
    const checkFirst = (name: string, value: string) => {
      if (!first) return;
      first = false;
      checkFirstField(name, value);
    };
    parser.on('field', (name, value, info) => {
      try {
        checkFirst(name, value);
        if (info.valueTruncated) throw tooLarge();
        fields[name] = value;
      } catch (error) {
        fail(error);
      }
    });
    parser.on('file', (name, stream, info) => {
      stream.on('error', () => undefined);
      try {
        checkFirst(name, '');
      } catch (error) {
        return fail(error);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxCsvBytes) fail(tooLarge());
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        if (name === 'csvFile' && info.filename && size > 0) file = Buffer.concat(chunks);
      });
    });
    parser.on('filesLimit', () => fail(new ProblemError(400, 'bad-request', 'Bad request')));
    parser.on('error', () => fail(new ProblemError(400, 'bad-request', 'Bad request')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      try {
        const form = importFormOf(fields);
        resolve(file ? { ...form, csv: extractText(file) } : form);
      } catch (error) {
        reject(error);
      }
    });
    req.pipe(parser);
  });
}
