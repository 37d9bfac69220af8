import { randomBytes } from 'node:crypto';
import { samplePdf } from '../../support/sample-files.ts';
import { testLetter } from '../../support/fixtures.ts';

/** The request bodies the benchmark sends: built once, sent again and again. */
export interface LetterBody {
  /** What the load is called in the report. */
  name: string;
  contentType: string;
  bytes: Buffer;
  /** Attachment bytes in one letter, for MB/s. */
  attachmentBytes: number;
}

const pdf = (size: number) => ({ title: 'Epikrise', contentType: 'application/pdf' as const, bytes: samplePdf(size) });

/** A letter with one PDF whose JSON body is about 4 KB, as most letters are. */
export function smallJsonLetter(): LetterBody {
  const file = pdf(2_600);
  const letter = testLetter({
    attachments: [{ title: file.title, contentType: file.contentType, data: file.bytes.toString('base64') }],
  });
  return {
    name: '4 KB JSON',
    contentType: 'application/json',
    bytes: Buffer.from(JSON.stringify(letter)),
    attachmentBytes: file.bytes.length,
  };
}

const largeFiles = (count: number, size: number) => Array.from({ length: count }, () => pdf(size));

/** Ten 1 MB PDFs as base64 in the JSON body. */
export function largeJsonLetter(count = 10, size = 1_000_000): LetterBody {
  const files = largeFiles(count, size);
  const letter = testLetter({
    attachments: files.map((file, i) => ({
      title: `${file.title} ${i + 1}`,
      contentType: file.contentType,
      data: file.bytes.toString('base64'),
    })),
  });
  return {
    name: `${count} × 1 MB JSON`,
    contentType: 'application/json',
    bytes: Buffer.from(JSON.stringify(letter)),
    attachmentBytes: files.reduce((sum, file) => sum + file.bytes.length, 0),
  };
}

/** The same ten PDFs streamed as multipart: the `message` part first, then one file part each. */
export function largeMultipartLetter(count = 10, size = 1_000_000): LetterBody {
  const files = largeFiles(count, size);
  const boundary = `postbud-bench-${randomBytes(8).toString('hex')}`;
  const message = testLetter({
    attachments: files.map((file, i) => ({ title: `${file.title} ${i + 1}`, contentType: file.contentType })),
  });
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: application/json\r\n\r\n` +
        `${JSON.stringify(message)}\r\n`,
    ),
  ];
  files.forEach((file, i) => {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file${i}"; filename="bilag-${i}.pdf"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    name: `${count} × 1 MB multipart`,
    contentType: `multipart/form-data; boundary=${boundary}`,
    bytes: Buffer.concat(parts),
    attachmentBytes: files.reduce((sum, file) => sum + file.bytes.length, 0),
  };
}
