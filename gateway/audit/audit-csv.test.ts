import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './audit-csv.ts';
import { maskCprs, maskCprsInText } from './audit-redaction.ts';

describe('CSV cells for the auditor', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1`)).toBe(`'${lead}1`);
    expect(csvCell('plain')).toBe('plain');
  });

  it('quotes commas, quotes and line breaks, and writes objects as JSON', () => {
    expect(csvRow(['a,b', 'say "hi"', 'two\nlines', null, 42, { k: 'v' }])).toBe(
      '"a,b","say ""hi""","two\nlines",,42,"{""k"":""v""}"\r\n',
    );
  });
});

describe('CPR masking in free text', () => {
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
