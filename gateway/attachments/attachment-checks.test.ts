import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AttachmentInspector,
  LetterSizeTracker,
  Rechunker,
  attachmentChunkBytes,
  decodeBase64Strict,
  rechunk,
  sanitiseTitle,
  sniffContentType,
} from './attachment-checks.ts';
import { ProblemError } from '../platform/problem.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

function bmpHead(infoHeaderSize = 40): Buffer {
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + 4, 2);
  head.writeUInt32LE(14 + infoHeaderSize, 10);
  head.writeUInt32LE(infoHeaderSize, 14);
  return head;
}

const samples = {
  'application/pdf': bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3], '\n1 0 obj'),
  'image/png': Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0]),
  'image/tiff': bytes('II', [0x2a, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  'image/bmp': bmpHead(),
} as const;
const windowsExe = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, 0xb8]);

function problemOf(action: () => unknown): ProblemError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('sniffContentType', () => {
  it.each(Object.entries(samples))('recognises %s by its magic bytes', (type, head) => {
    expect(sniffContentType(head)).toBe(type);
  });

  it('recognises big-endian TIFF, GIF87a and the other BMP header versions', () => {
    expect(sniffContentType(bytes('MM', [0, 0x2a, 0, 0, 0, 8]))).toBe('image/tiff');
    expect(sniffContentType(bytes('GIF87a', [1, 0]))).toBe('image/gif');
    for (const size of [12, 108, 124]) expect(sniffContentType(bmpHead(size))).toBe('image/bmp');
  });

  it('finds no allowed type in an executable, plain text that starts with BM, or too few bytes', () => {
    expect(sniffContentType(windowsExe)).toBeUndefined();
    expect(sniffContentType(Buffer.from('BMI values for the whole ward', 'latin1'))).toBeUndefined();
    expect(sniffContentType(Buffer.from('%PD'))).toBeUndefined();
    expect(sniffContentType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('sanitiseTitle', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\temp\\x.pdf', 'x'],
    ['brev.pdf', 'brev'],
    ['Scanning af henvisning.JPEG', 'Scanning af henvisning'],
    ['billede.tif. ', 'billede'],
    ['notat.docx', 'notat.docx'],
    ['brev.pdf.pdf', 'brev.pdf'],
    ['Blodprøver\u0000 marts\u0007', 'Blodprøver marts'],
    ['  Epikrise\t fra\r\nafdeling  ', 'Epikrise fra afdeling'],
    ['faktura\u202Efdp.exe', 'fakturafdp.exe'],
    ['\u2066Svar\u2069 på henvendelse', 'Svar på henvendelse'],
    ['.skjult', 'skjult'],
    ['Bla\u030Abærgrød', 'Blåbærgrød'],
  ])('%j becomes %j', (title, expected) => {
    expect(sanitiseTitle(title)).toBe(expected);
  });

  it('caps a long title at 200 characters without splitting a character in two', () => {
    expect(sanitiseTitle('x'.repeat(300))).toHaveLength(200);
    const emoji = sanitiseTitle('\u{1F4C4}'.repeat(250));
    expect(Array.from(emoji)).toHaveLength(200);
    expect(emoji).not.toMatch(/\p{Cs}/u);
  });

  it.each(['../', '.pdf', ' \u0000\u202E ', 'a/b/'])('refuses %j, which leaves nothing to show', (title) => {
    const problem = problemOf(() => sanitiseTitle(title));
    expect([problem.status, problem.code]).toEqual([422, 'attachment-title-invalid']);
  });
});

describe('decodeBase64Strict', () => {
  it('decodes standard base64, also with MIME line breaks and spaces', () => {
    expect(decodeBase64Strict('SGVsbG8=').toString()).toBe('Hello');
    expect(decodeBase64Strict('SGVs\r\nbG8s\r\nIHZl\nZGVu\t ').toString()).toBe('Hello, veden');
    expect(decodeBase64Strict(samples['image/png'].toString('base64'))).toEqual(samples['image/png']);
  });

  it.each([
    ['junk character', 'SGVs*bG8='],
    ['base64url alphabet', 'SGVs-_8='],
    ['missing padding', 'SGVsbG8'],
    ['padding in the middle', 'SGVs=bG8='],
    ['too much padding', 'SGVsbG==='],
    ['non-zero bits before padding', 'SGVsbG9='],
    ['data URL prefix', 'data:application/pdf;base64,SGVsbG8='],
  ])('refuses %s', (_case, data) => {
    const problem = problemOf(() => decodeBase64Strict(data));
    expect([problem.status, problem.code]).toEqual([422, 'attachment-base64-invalid']);
  });
});

describe('AttachmentInspector', () => {
  const limits = { maxFileBytes: 1024 };

  it('reports size and SHA-256 of a file fed in pieces', () => {
    const file = Buffer.concat([samples['application/pdf'], Buffer.alloc(900, 7), Buffer.from('\n%%EOF\n')]);
    const inspector = new AttachmentInspector('application/pdf', limits);
    for (let offset = 0; offset < file.length; offset += 5) inspector.update(file.subarray(offset, offset + 5));
    expect(inspector.finish()).toEqual({ size: file.length, sha256: createHash('sha256').update(file).digest('hex') });
  });

  it('accepts a file shorter than the sniffed head when its type is recognisable', () => {
    const inspector = new AttachmentInspector('image/gif', limits);
    // A 1×1 GIF without image blocks: header, logical screen descriptor, trailer.
    inspector.update(bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0, 0x3b]));
    expect(inspector.finish().size).toBe(14);
  });

  it('refuses a Windows executable declared as PDF as soon as its first bytes arrive', () => {
    const inspector = new AttachmentInspector('application/pdf', limits);
    const problem = problemOf(() => inspector.update(windowsExe));
    expect([problem.status, problem.code]).toEqual([422, 'attachment-type-mismatch']);
    expect(problem.detail).toBe('declared application/pdf, file looks like no allowed type');
  });

  it('names the detected type when a PNG is declared as JPEG', () => {
    const inspector = new AttachmentInspector('image/jpeg', limits);
    const problem = problemOf(() => inspector.update(samples['image/png']));
    expect(problem.detail).toBe('declared image/jpeg, file looks like image/png');
  });

  it('refuses an empty file', () => {
    const problem = problemOf(() => new AttachmentInspector('application/pdf', limits).finish());
    expect([problem.status, problem.code]).toEqual([422, 'attachment-empty']);
  });

  it('refuses the chunk that would pass the per-file limit and says the limit', () => {
    const inspector = new AttachmentInspector('application/pdf', limits);
    inspector.update(samples['application/pdf']);
    inspector.update(Buffer.alloc(1024 - samples['application/pdf'].length));
    const problem = problemOf(() => inspector.update(Buffer.alloc(1)));
    expect([problem.status, problem.code]).toEqual([413, 'attachment-too-large']);
    expect(problem.detail).toContain('1024 bytes');
    expect(inspector.size).toBe(1024);
  });

  it('counts every attachment of a letter against the letter limit', () => {
    const letter = new LetterSizeTracker(1500);
    new AttachmentInspector('image/png', limits, letter).update(
      Buffer.concat([samples['image/png'], Buffer.alloc(800)]),
    );
    const second = new AttachmentInspector('application/pdf', limits, letter);
    const problem = problemOf(() => second.update(Buffer.concat([samples['application/pdf'], Buffer.alloc(800)])));
    expect([problem.status, problem.code]).toEqual([413, 'letter-too-large']);
    expect(problem.detail).toContain('1500 bytes');
  });
});

/** A small deterministic generator, so a failing case can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPieces(random: () => number, total: number, maxPiece: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let made = 0; made < total;) {
    const size = Math.min(total - made, Math.floor(random() * (maxPiece + 1))); // empty pieces included
    pieces.push(Buffer.from(Array.from({ length: size }, (_, i) => (made + i) % 251)));
    made += size;
  }
  return pieces;
}

describe('Rechunker', () => {
  it('keeps every byte and cuts exact chunks, whatever the input pieces (200 random cases)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = mulberry32(seed);
      const chunkBytes = 1 + Math.floor(random() * 64);
      const pieces = randomPieces(random, Math.floor(random() * 1000), 1 + Math.floor(random() * 200));
      const rechunker = new Rechunker(chunkBytes);
      const chunks = pieces.flatMap((piece) => [...rechunker.push(piece)]);
      const rest = rechunker.flush();
      if (rest) chunks.push(rest);

      expect(Buffer.concat(chunks), `seed ${seed}`).toEqual(Buffer.concat(pieces));
      expect(
        chunks.slice(0, -1).filter((chunk) => chunk.length !== chunkBytes),
        `seed ${seed}`,
      ).toEqual([]);
      expect(chunks.at(-1)?.length ?? 1, `seed ${seed}`).toBeGreaterThan(0);
      expect(chunks.at(-1)?.length ?? 0, `seed ${seed}`).toBeLessThanOrEqual(chunkBytes);
    }
  });

  it('hands out chunks the consumer may keep while later input arrives', () => {
    const rechunker = new Rechunker(4);
    const first = [...rechunker.push(Buffer.from('abcdef'))];
    const second = [...rechunker.push(Buffer.from('gh'))];
    expect([...first, ...second].map(String)).toEqual(['abcd', 'efgh']);
  });

  it('streams 768 KiB chunks whose base64 joins into the base64 of the whole file', async () => {
    const file = Buffer.concat(randomPieces(mulberry32(7), 2 * attachmentChunkBytes + 1000, 100_000));
    async function* pieces() {
      for (let offset = 0; offset < file.length; offset += 65_536) yield file.subarray(offset, offset + 65_536);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of rechunk(pieces())) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.length)).toEqual([attachmentChunkBytes, attachmentChunkBytes, 1000]);
    expect(chunks.map((chunk) => chunk.toString('base64')).join('')).toBe(file.toString('base64'));
  });
});
