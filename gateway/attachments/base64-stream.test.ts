import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './attachment-checks.ts';
import { Base64StreamDecoder } from './base64-stream.ts';
import { ProblemError } from '../platform/problem.ts';

function outcome(action: () => Buffer): { bytes: string } | { code: string; detail: string | undefined } {
  try {
    return { bytes: action().toString('hex') };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return { code: error.code, detail: error.detail };
  }
}

function decodeCut(data: string, cuts: number[]): Buffer {
  const decoder = new Base64StreamDecoder();
  const bytes = Buffer.from(data, 'latin1');
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(decoder.write(bytes.subarray(from, cut)));
    from = cut;
  }
  parts.push(decoder.end());
  return Buffer.concat(parts);
}

const corpus = [
  '',
  'SGVsbG8=',
  'SGVsbA==',
  'SGVsbG8s',
  'SGVs\r\nbG8s\r\nIHZl\nZGVu\t ',
  'SGVsbA=\r\n=',
  'SGVsbA== \n',
  Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff)).toString('base64'),
  // Refused, with the messages decodeBase64Strict gives.
  'SGVs*bG8=',
  'SGVs-_8=',
  'SGVsbG8',
  'SGVs=bG8=',
  'SGVsbG===',
  'SGVsbG9=',
  'SGVsbB==',
  'data:application/pdf;base64,SGVsbG8=',
  '==',
  '====',
  'SGVsbG8=A',
  'SGVsbG8=====',
  'SGVs bG8=\u00e6',
  'SGVsbG8=\u0000',
  // Without padding, as most pieces of a long attachment are: what the decoder alone would skip.
  'SGVsb*G8sIHZl',
  'SGVs-bG8sIHZl',
  'SGVsbG8s_IHZl',
  'SGVs\u00e6bG8sIHZl',
  'SGVsbG8s\u0000IHZl',
  'SGVs bG8sIHZl',
  `${Buffer.alloc(300, 7).toString('base64')}!${Buffer.alloc(300, 9).toString('base64')}`,
];

describe('Base64StreamDecoder', () => {
  it.each(corpus)('decodes or refuses %j as decodeBase64Strict does, cut anywhere', (data) => {
    const expected = outcome(() => decodeBase64Strict(data));
    const cutsOf = [[], ...Array.from({ length: data.length }, (_, i) => [i]), Array.from(data, (_, i) => i)];
    for (const cuts of cutsOf)
      expect(
        outcome(() => decodeCut(data, cuts)),
        `cut at ${cuts.join(',')}`,
      ).toEqual(expected);
  });

  it('refuses one character of any other byte value anywhere in a piece without padding', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const others = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code)).filter(
      (character) => !alphabet.includes(character) && !' \t\r\n='.includes(character),
    );
    for (let round = 0; round < 40; round += 1) {
      const valid = Buffer.from(Array.from({ length: 3 * (1 + round) }, (_, i) => (i * 131 + round) & 0xff)).toString(
        'base64',
      );
      const at = (round * 7) % valid.length;
      for (const other of others) {
        const data = valid.slice(0, at) + other + valid.slice(at + 1);
        expect(
          outcome(() => decodeCut(data, [])),
          JSON.stringify(other),
        ).toMatchObject({ code: 'attachment-base64-invalid' });
      }
    }
  });

  it('holds at most three characters between pieces', () => {
    const decoder = new Base64StreamDecoder();
    expect(decoder.write(Buffer.from('SGV')).length).toBe(0);
    expect(decoder.write(Buffer.from('sbG8sIH')).toString()).toBe('Hello,');
    expect(Buffer.concat([decoder.write(Buffer.from('Zl')), decoder.end()]).toString()).toBe(' ve');
  });
});
