import { describe, expect, it } from 'vitest';
import { assertSafeText, parseStrictJson } from './json-body.ts';
import { JsonStreamParser, type JsonPath, type StreamedStrings } from './json-stream.ts';
import { maxKeptStringBytes } from './json-strings.ts';
import { letterJsonShape } from './json-rules.ts';
import { ProblemError } from '../platform/problem.ts';

/** Feeds `bytes` to a fresh parser cut at the given offsets. */
function parseCut(bytes: Buffer, cuts: number[], streamed?: StreamedStrings, maxHeld?: number): unknown {
  const parser = new JsonStreamParser(letterJsonShape, maxHeld, streamed);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) parser.write(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return parser.end();
}

/** Every way of cutting `bytes` once, and byte by byte. */
const everyCut = (bytes: Buffer): number[][] => [
  [],
  ...Array.from({ length: bytes.length - 1 }, (_, i) => [i + 1]),
  Array.from({ length: bytes.length }, (_, i) => i),
];

function outcome(action: () => unknown): unknown {
  try {
    return { value: action() };
  } catch (error) {
    if (error instanceof ProblemError) return { status: error.status, code: error.code, detail: error.detail };
    throw error;
  }
}

const documents = [
  '{"a":1}',
  ' {"text":"æøå \\"citat\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e6\\u00F8 \\ud83d\\ude00 😀 ✓"} ',
  '{"n":[-0,0,1.5,-2e3,1E+2,0.25e-1,123456789012345678901234567890],"t":true,"f":false,"z":null,"e":[],"o":{}}',
  '[{"a":[[[]]]},"x",1,null]',
  '"top-level string"',
  '42',
  'null',
  '\ufeff{"bom":"dropped"}',
  '{"attachments":[{"title":"Bilag","contentType":"application/pdf","data":"JVBERi0x\\nLjc="}]}',
];

describe('JsonStreamParser, cut anywhere', () => {
  it.each(documents)('parses %s as JSON.parse does, cut at every byte and byte by byte', (text) => {
    const bytes = Buffer.from(text, 'utf8');
    const expected = JSON.parse(text.replace(/^\ufeff/, ''));
    for (const cuts of everyCut(bytes)) expect(parseCut(bytes, cuts), `cut at ${cuts.join(',')}`).toEqual(expected);
  });

  const refused: Array<[string, string | Buffer]> = [
    ['a duplicate key', '{"a":1,"b":{"c":1},"a":2}'],
    ['a duplicate key spelled with an escape', '{"ab":1,"a\\u0062":2}'],
    ['a key outside the grammar', '{"1a":1}'],
    ['a key of 65 characters', `{"${'k'.repeat(65)}":1}`],
    ['__proto__', '{"__proto__":{"admin":true}}'],
    ['constructor', '{"a":{"constructor":1}}'],
    ['a NUL in a value', '{"text":"a\\u0000b"}'],
    ['a NUL in a key', '{"a\\u0000":1}'],
    ['17 levels of arrays', `{"x":${'['.repeat(16)}${']'.repeat(16)}}`],
    ['2 001 members', `{"x":[${Array.from({ length: 2_000 }, () => '0').join(',')}]}`],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
    ['an overlong "/"', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
    ['a UTF-8 sequence cut short at the end', Buffer.from([0x22, 0xe2, 0x82])],
    ['a raw line break in a string', '{"a":"x\ny"}'],
    ['a raw NUL byte in a string', '{"a":"x\u0000y"}'],
    ['an unknown escape', '{"a":"\\x41"}'],
    ['a short unicode escape', '{"a":"\\u12"}'],
    ['a trailing comma', '{"a":[1,2,],"b":1}'],
    ['a trailing comma in an object', '{"a":1,}'],
    ['a leading zero', '{"a":01}'],
    ['a bare decimal point', '{"a":1.}'],
    ['a plus sign', '{"a":+1}'],
    ['NaN', '{"a":NaN}'],
    ['a comment', '{"a":1 /* x */}'],
    ['a misspelt literal', '{"a":ture}'],
    ['a missing colon', '{"a" 1}'],
    ['single quotes', "{'a':1}"],
    ['trailing garbage', '{"a":1}<script>'],
    ['two documents', '{"a":1}{"b":2}'],
    ['a truncated document', '{"a":[1,2'],
    ['an unterminated string', '{"a":"xyz'],
    ['whitespace only', ' \r\n\t '],
    ['nothing', ''],
    ['a broken byte order mark', Buffer.from([0xef, 0xbb, 0x7b, 0x7d])],
  ];

  it.each(refused)('refuses %s with the answer parseStrictJson gives, wherever it is cut', (_name, body) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const expected = outcome(() => parseStrictJson(bytes));
    expect(expected).toHaveProperty('status');
    const cuts = bytes.length > 200 ? [[], [bytes.length >> 1]] : everyCut(bytes);
    for (const cut of cuts) {
      const got = outcome(() => parseCut(bytes, cut)) as { status: number; code: string };
      expect({ status: got.status, code: got.code }, `cut at ${cut.join(',')}`).toEqual({
        status: (expected as { status: number }).status,
        code: (expected as { code: string }).code,
      });
    }
  });
});

/** Records what the parser streams for the paths it is told to. */
class Recorder implements StreamedStrings {
  readonly seen: Array<{ path: JsonPath; container: object; bytes: Buffer[] }> = [];
  constructor(private readonly wanted: (path: JsonPath) => boolean) {}
  accepts(path: JsonPath): boolean {
    return this.wanted(path);
  }
  open(path: JsonPath, container: object): void {
    this.seen.push({ path, container: { ...container }, bytes: [] });
  }
  write(bytes: Buffer): void {
    this.seen.at(-1)!.bytes.push(Buffer.from(bytes));
  }
  close(): unknown {
    return `<${this.seen.length - 1}>`;
  }
}

describe('JsonStreamParser, streamed strings', () => {
  const isData = (path: JsonPath) => path.length === 3 && path[0] === 'attachments' && path[2] === 'data';
  const letter = Buffer.from(
    '{"attachments":[{"title":"a","data":"QUJD\\/\\u0041\\n+/+/=="},{"data":"æ\\"x","contentType":"image/png"}],' +
      '"other":{"data":"kept"},"data":"kept too"}',
    'utf8',
  );

  it('hands the chosen strings over in pieces, escapes decoded, and builds the rest, cut anywhere', () => {
    for (const cuts of everyCut(letter)) {
      const recorder = new Recorder(isData);
      const parsed = parseCut(letter, cuts, recorder);
      const texts = recorder.seen.map(({ path, bytes }) => ({ path, text: Buffer.concat(bytes).toString('utf8') }));
      expect(texts).toEqual([
        { path: ['attachments', 0, 'data'], text: 'QUJD/A\n+/+/==' },
        { path: ['attachments', 1, 'data'], text: 'æ"x' },
      ]);
      // The members before the string are there; those after it are not yet.
      expect(recorder.seen.map(({ container }) => container)).toEqual([{ title: 'a' }, {}]);
      expect(parsed).toEqual({
        attachments: [
          { title: 'a', data: '<0>' },
          { data: '<1>', contentType: 'image/png' },
        ],
        other: { data: 'kept' },
        data: 'kept too',
      });
    }
  });

  it('refuses a NUL inside a streamed string', () => {
    const body = Buffer.from('{"attachments":[{"data":"QUJD\\u0000"}]}');
    expect(outcome(() => parseCut(body, [], new Recorder(isData)))).toMatchObject({ code: 'nul-character' });
  });

  it('holds at most maxHeldBytes outside streamed strings, escapes in them counted as streamed', () => {
    const big = `{"attachments":[{"data":"${'\\/'.repeat(40_000)}"}],"text":"${'x'.repeat(1_000)}"}`;
    expect(() => parseCut(Buffer.from(big), [], new Recorder(isData), 4_096)).not.toThrow();
    const held = `{"attachments":[{"data":"QUJD"}],"text":"${'x'.repeat(5_000)}"}`;
    expect(outcome(() => parseCut(Buffer.from(held), [], new Recorder(isData), 4_096))).toMatchObject({
      status: 413,
      code: 'body-too-large',
    });
  });
});

describe('JsonStreamParser, over-long strings', () => {
  const long = (tail: string) => Buffer.from(`{"topic":"${'æ'.repeat(maxKeptStringBytes)}${tail}"}`, 'utf8');

  it('keeps the head of a string past maxKeptStringBytes, longer than any schema allows', () => {
    const { topic } = parseCut(long('abc'), [maxKeptStringBytes + 7]) as { topic: string };
    expect(topic.length).toBeGreaterThan(100_000);
    expect(topic.length).toBeLessThanOrEqual(maxKeptStringBytes / 2);
    expect(() => assertSafeText({ topic })).not.toThrow();
  });

  it.each([
    ['a bidi override', '\u202e'],
    ['a lone surrogate', '\\ud800x'],
    ['a control character', '\\u0007'],
  ])('still finds %s in the part it drops, so the text check answers as for the whole', (_name, tail) => {
    const value = parseCut(long(tail), [maxKeptStringBytes + 3]);
    expect(outcome(() => assertSafeText(value))).toMatchObject({ status: 422, code: 'text-invalid-characters' });
    expect(outcome(() => assertSafeText(JSON.parse(long(tail).toString('utf8'))))).toMatchObject({
      code: 'text-invalid-characters',
    });
  });

  it('does not mistake a surrogate pair cut between pieces for a lone one', () => {
    const value = parseCut(long('\\ud83d\\ude00 ok'), [maxKeptStringBytes + 20]);
    expect(() => assertSafeText(value)).not.toThrow();
  });
});
