import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { letterTableCounts } from '../support/counts.ts';
import { testLetter } from '../support/fixtures.ts';
import type { TestStack } from '../support/stack.ts';
import {
  bearer,
  expectRefused,
  letterText,
  measureMemory,
  mib,
  postJson,
  repeated,
  send,
  startHostileStack,
  type Answer,
} from './hostile-support.ts';

let stack: TestStack;
let before: Record<string, number>;
// Small limits, so bodies over them stay quick to build; memory figures are then about the limit.
const maxLetterBytes = 8 * mib;
const jsonLimit = Math.ceil((maxLetterBytes * 4) / 3) + mib;

beforeAll(async () => {
  stack = await startHostileStack({
    POSTBUD_MAX_LETTER_BYTES: String(maxLetterBytes),
    POSTBUD_MAX_FILE_BYTES: String(4 * mib),
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  before = await letterTableCounts(stack.database.db);
});

const letter = (overrides: Record<string, unknown> = {}) => testLetter(overrides) as Record<string, unknown>;
/** The letter's JSON with `raw` spliced in as extra members before the closing brace. */
const withRaw = (raw: string, base = letterText()) => `${base.slice(0, -1)},${raw}}`;
const nested = (depth: number, open: string, close: string, inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
const manyKeys = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":1`).join(',')}}`;
const patient = (name: Record<string, string>) => ({
  patient: { cpr: '2509479989', name: { given: 'Nancy Ann', family: 'Berggren', ...name } },
});

type Case = [name: string, status: number, code: string, body: () => string | Buffer, headers?: Record<string, string>];

const cases: Case[] = [
  // Depth, breadth and duplicate keys: refused before JSON.parse builds anything.
  ['10 000 nested arrays in the text', 400, 'body-too-deep', () => withRaw(`"extra":${nested(10_000, '[', ']')}`)],
  ['10 000 nested objects', 400, 'body-too-deep', () => nested(10_000, '{"a":', '}')],
  ['nesting one level over the limit (17)', 400, 'body-too-deep', () => withRaw(`"extra":${nested(16, '[', ']')}`)],
  ['an unterminated 100 000-deep opening', 400, 'body-too-deep', () => '['.repeat(100_000)],
  ['100 000 keys in the letter object', 400, 'body-too-complex', () => withRaw(manyKeys(100_000).slice(1, -1))],
  [
    'a 200 000-element array of warnings',
    400,
    'body-too-complex',
    () => JSON.stringify(letter({ acknowledgedWarnings: Array(200_000).fill('x') })),
  ],
  [
    'the key "patient" twice',
    400,
    'body-duplicate-key',
    () => withRaw(`"patient":${JSON.stringify({ cpr: '0101010101', name: { given: 'A', family: 'B' } })}`),
  ],
  [
    'the key "cpr" twice inside patient',
    400,
    'body-duplicate-key',
    () => letterText().replace('"cpr":', '"cpr":"0101010101","cpr":'),
  ],
  ['a duplicate key spelt with a \\u escape', 400, 'body-duplicate-key', () => withRaw('"c\\u0061tegory":"other"')],
  ['"__proto__" at the top', 400, 'body-key-invalid', () => withRaw('"__proto__":{"isAdmin":true}')],
  [
    '"constructor" inside patient',
    400,
    'body-key-invalid',
    () => letterText().replace('"patient":{', '"patient":{"constructor":{"prototype":{}},'),
  ],
  [
    '"__proto__" inside an attachment',
    400,
    'body-key-invalid',
    () =>
      JSON.stringify(
        letter({ attachments: [{ title: 'x', contentType: 'application/pdf', data: 'JVBERi0=' }] }),
      ).replace('"title":', '"__proto__":{"polluted":1},"title":'),
  ],
  ['"prototype" at the top', 400, 'body-key-invalid', () => withRaw('"prototype":1')],
  ['a CPR number as a key', 400, 'body-key-invalid', () => withRaw('"2509479989":"Nancy Ann Berggren"')],
  ['a one-megabyte key', 400, 'body-key-invalid', () => withRaw(`"${'k'.repeat(mib)}":1`)],
  ['a key with a NUL and a bidi override', 400, 'body-key-invalid', () => withRaw('"ad\\u0000min\\u202e":true')],
  // Wrong types everywhere: the schema answers, naming paths, not values.
  ['sender as a string', 422, 'validation-failed', () => JSON.stringify(letter({ sender: '100011000016002' }))],
  [
    'patient as an array',
    422,
    'validation-failed',
    () => JSON.stringify(letter({ patient: ['2509479989', 'Nancy Ann Berggren'] })),
  ],
  ['text as a number', 422, 'validation-failed', () => JSON.stringify(letter({ text: 42 }))],
  ['attachments as a string', 422, 'validation-failed', () => JSON.stringify(letter({ attachments: 'bilag.pdf' }))],
  ['CPR as a number', 422, 'validation-failed', () => letterText().replace('"2509479989"', '2509479989')],
  ['CPR as 1e999999 (Infinity)', 422, 'validation-failed', () => letterText().replace('"2509479989"', '1e999999')],
  ['recipient SOR id as true', 422, 'validation-failed', () => JSON.stringify(letter({ recipient: { sorId: true } }))],
  ['the body as an array of the letter', 422, 'validation-failed', () => `[${letterText()}]`],
  ['the body as a JSON string', 422, 'validation-failed', () => JSON.stringify(letterText())],
  ['the body as null', 422, 'validation-failed', () => 'null'],
  ['an unknown member "admin"', 422, 'validation-failed', () => withRaw('"admin":true')],
  // Unicode tricks in names and text.
  [
    'a NUL in the text',
    400,
    'nul-character',
    () => JSON.stringify(letter({ text: 'Patienten udskrives\u0000 fredag' })),
  ],
  [
    'a lone surrogate in the family name',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter(patient({ family: 'Berggren\ud800' }))),
  ],
  [
    'a bidi override in the given name',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter(patient({ given: 'Nancy Ann\u202e' }))),
  ],
  [
    'a bidi isolate in the author name',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter({ author: { name: 'Else Jensen\u2066', role: 'laege', phone: '+45 12345678' } })),
  ],
  [
    'an ANSI escape in the topic',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter({ category: 'other', topic: '\u001b[2JBostøtte' })),
  ],
  [
    'a C1 control (NEL) in the text',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter({ text: 'Patienten udskrives\u0085fredag' })),
  ],
  [
    'the non-character U+FFFF in the expected recipient name',
    422,
    'text-invalid-characters',
    () => JSON.stringify(letter({ recipient: { sorId: '200011000016004', expectedName: 'Testby\uffff' } })),
  ],
  // Oversized strings within the body limit.
  [
    'a 200 000-character text',
    422,
    'validation-failed',
    () => JSON.stringify(letter({ text: 'Patienten udskrives '.repeat(10_000) })),
  ],
  [
    'a 10 000-character given name',
    422,
    'validation-failed',
    () => JSON.stringify(letter(patient({ given: 'N'.repeat(10_000) }))),
  ],
  [
    'a 5 MiB topic',
    422,
    'validation-failed',
    () => JSON.stringify(letter({ category: 'other', topic: 't'.repeat(5 * mib) })),
  ],
  // Bytes that are not UTF-8 JSON.
  [
    'charset=utf-16',
    415,
    'body-encoding-unsupported',
    () => Buffer.from(letterText(), 'utf16le'),
    { 'Content-Type': 'application/json; charset=utf-16' },
  ],
  [
    'charset=iso-8859-1',
    415,
    'body-encoding-unsupported',
    () => Buffer.from(letterText(), 'latin1'),
    { 'Content-Type': 'application/json; charset=ISO-8859-1' },
  ],
  ['Content-Encoding: gzip', 415, 'body-encoding-unsupported', () => letterText(), { 'Content-Encoding': 'gzip' }],
  [
    'UTF-16 with a BOM and no charset',
    400,
    'body-malformed',
    () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(letterText(), 'utf16le')]),
  ],
  [
    'an invalid UTF-8 sequence in the text',
    400,
    'body-malformed',
    () => Buffer.concat([Buffer.from(letterText().slice(0, -2)), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
  ],
  [
    'an overlong UTF-8 "/" (C0 AF)',
    400,
    'body-malformed',
    () => Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
  ],
  ['an empty body', 400, 'body-empty', () => ''],
  ['a body of whitespace', 400, 'body-malformed', () => ' \r\n\t '],
  ['a truncated letter', 400, 'body-malformed', () => letterText().slice(0, 120)],
  ['trailing garbage after the letter', 400, 'body-malformed', () => `${letterText()}<script>`],
  ['NaN and comments', 400, 'body-malformed', () => withRaw('"n":NaN /* Nancy Ann */')],
  ['XML sent as JSON', 400, 'body-malformed', () => '<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir"/>'],
];

describe('hostile JSON bodies on POST /v1/messages', () => {
  it.each(cases)('%s → %i %s', async (_name, status, code, body, headers = {}) => {
    await expectRefused(stack, before, await postJson(stack, body(), headers), status, code);
  });

  it.each([
    ['10 000 nested arrays', 400, 'body-too-deep', () => withRaw(`"x":${nested(10_000, '[', ']')}`)],
    ['a duplicate recipient', 400, 'body-duplicate-key', () => withRaw('"recipient":{"sorId":"300001000016006"}')],
  ] as Case[])('preview refuses %s → %i %s', async (_name, status, code, body) => {
    await expectRefused(stack, before, await postJson(stack, body(), {}, '/v1/messages/preview'), status, code);
  });
});

describe('JSON bodies over the letter limit → 413 while streaming, memory flat', () => {
  const overLimit = () => letterText({ text: 'x'.repeat(jsonLimit) });

  it('with Content-Length, sent whole', async () => {
    await expectRefused(stack, before, await postJson(stack, overLimit()), 413, 'body-too-large');
  });

  it('chunked, sent whole', async () => {
    const answer = await send(stack.url, {
      headers: { ...bearer(stack), 'Content-Type': 'application/json' },
      body: async function* () {
        yield Buffer.from(overLimit());
      },
    });
    await expectRefused(stack, before, answer, 413, 'body-too-large');
  });

  const gigabyte = 1024 * mib;
  const block = Buffer.alloc(64 * 1024, 'A');
  const lazyGigabyte = async function* () {
    yield Buffer.from(letterText().slice(0, -1) + ',"text":"');
    yield* repeated(block, gigabyte / block.length);
  };

  it.each([
    ['declared by Content-Length (refused before reading)', { 'Content-Length': String(gigabyte + 400) }],
    ['chunked (refused at the limit)', {}],
  ])('a 1 GB upload %s', async (_how, lengthHeader) => {
    const { result: answer, growth } = await measureMemory<Answer>(() =>
      send(stack.url, {
        headers: { ...bearer(stack), 'Content-Type': 'application/json', ...lengthHeader },
        body: lazyGigabyte,
      }),
    );
    await expectRefused(stack, before, answer, 413, 'body-too-large');
    console.log(
      `JSON 1 GB ${_how}: sent ${(answer.bytesSent! / mib).toFixed(1)} MiB before the answer; growth rss ${growth.rssMiB.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffersMiB.toFixed(1)} MiB`,
    );
    expect(answer.bytesSent!).toBeLessThan(jsonLimit + 16 * mib);
    expect(growth.rssMiB).toBeLessThan(64);
    expect(growth.arrayBuffersMiB).toBeLessThan(64);
  });
});

describe('JSON bodies of the other routes are parsed as strictly as a letter', () => {
  const admin = () => ({ Authorization: `Bearer ${stack.adminKey}`, 'Content-Type': 'application/json' });
  const mailbox = '"sorId":"900001000016009","name":"Dublet","sector":"gp","accepts":["CareCommunication"]';

  it.each([
    ['a mailbox with its SOR id twice', '/v1/directory/mailboxes', `{${mailbox},"sorId":"900002000016008"}`],
    ['a client with its roles twice', '/v1/admin/clients', '{"name":"x","roles":["auditor"],"roles":["admin"]}'],
  ])('%s → 400 body-duplicate-key, nothing stored', async (_what, path, body) => {
    const answer = await send(stack.url, { path, headers: admin(), body });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.text).code).toBe('body-duplicate-key');
  });

  it('a mailbox nested 17 deep → 400 body-too-deep', async () => {
    const body = `{${mailbox},"extra":${nested(16, '[', ']')}}`;
    const answer = await send(stack.url, { path: '/v1/directory/mailboxes', headers: admin(), body });
    expect([answer.status, JSON.parse(answer.text).code]).toEqual([400, 'body-too-deep']);
  });

  it('a body over 1 MiB → 413 body-too-large', async () => {
    const body = `{${mailbox},"name2":"${'x'.repeat(mib + 10)}"}`;
    const answer = await send(stack.url, { path: '/v1/directory/mailboxes', headers: admin(), body });
    expect([answer.status, JSON.parse(answer.text).code]).toEqual([413, 'body-too-large']);
  });
});
