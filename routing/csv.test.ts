import { describe, expect, it } from 'vitest';
import { csvField, formatCsv, parseCsv } from './csv.ts';

const fields = (text: string) => parseCsv(text).map((record) => record.fields);

describe('reading a semicolon CSV export', () => {
  it('splits records and fields, with the line each record starts on', () => {
    expect(parseCsv('sorId;name\n1;Aarhus Kommune\n2;Skive Kommune\n')).toEqual([
      { line: 1, fields: ['sorId', 'name'] },
      { line: 2, fields: ['1', 'Aarhus Kommune'] },
      { line: 3, fields: ['2', 'Skive Kommune'] },
    ]);
  });

  it('drops a UTF-8 byte order mark and keeps Danish letters', () => {
    expect(fields('\uFEFFsorId;name\r\n1;Regionshospitalet Gødstrup, Ældre og Børn\r\n')).toEqual([
      ['sorId', 'name'],
      ['1', 'Regionshospitalet Gødstrup, Ældre og Børn'],
    ]);
  });

  it('reads CRLF, LF and lone CR line ends alike', () => {
    expect(fields('a;b\r\n1;2\n3;4\r5;6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps semicolons, quotes and line breaks inside quoted fields, counting lines right', () => {
    const records = parseCsv('a;b\r\n"x;y";"say ""hej"""\r\n"two\r\nlines";z\r\nlast;one\r\n');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['x;y', 'say "hej"']],
      [3, ['two\r\nlines', 'z']],
      [5, ['last', 'one']],
    ]);
  });

  it('keeps empty fields, also at the end of a line and of the text', () => {
    expect(fields(';a;;\n;')).toEqual([
      ['', 'a', '', ''],
      ['', ''],
    ]);
    expect(fields('"";x')).toEqual([['', 'x']]);
  });

  it('skips blank lines but still counts them', () => {
    expect(parseCsv('a\n\n\r\nb\n').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a']],
      [4, ['b']],
    ]);
  });

  it('marks a record with text after a closing quote, and goes on with the next one', () => {
    const records = parseCsv('"ab"c;d\nok;1\n');
    expect(records[0]).toMatchObject({
      line: 1,
      fields: ['abc', 'd'],
      error: expect.stringContaining('closing quote'),
    });
    expect(records[1]).toEqual({ line: 2, fields: ['ok', '1'] });
  });

  it('marks a quoted field that never closes', () => {
    const records = parseCsv('a;b\n1;"open\n2;3\n');
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ line: 2, error: 'a quoted field is never closed' });
  });

  it('treats a quote inside an unquoted field as text', () => {
    expect(fields('5" skærm;x')).toEqual([['5" skærm', 'x']]);
  });

  it('answers no records for an empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});

describe('writing CSV', () => {
  it('quotes only what needs it', () => {
    expect(csvField('Aarhus Kommune')).toBe('Aarhus Kommune');
    expect(csvField('CareCommunication;1.0')).toBe('"CareCommunication;1.0"');
    expect(csvField('say "hej"')).toBe('"say ""hej"""');
  });

  it('round-trips through the parser', () => {
    const rows = [
      ['sorId', 'name', 'accepts'],
      ['1', 'Team "Nord"; Hjemmepleje', 'CareCommunication;1.0'],
      ['2', 'to\nlinjer', ''],
    ];
    expect(fields(formatCsv(rows))).toEqual(rows);
  });
});
