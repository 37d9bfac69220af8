import { describe, expect, it } from 'vitest';
import { escapedText } from './letter-xml-writer.ts';

describe('escapedText, the text a letter hands xmlbuilder2', () => {
  it('returns plain text unchanged, in elements and attributes alike', () => {
    for (const text of ['', 'Klinik for Ældresygdomme, AUH, Skejby', '441211000016000', '<b> "x" \'y\'', 'emoji 😀 ok'])
      for (const inAttribute of [false, true]) expect(escapedText('f', text, inAttribute)).toBe(text);
  });

  it('escapes every & once, also where it already looks like an entity', () => {
    expect(escapedText('f', 'bostøtten & egen læge', false)).toBe('bostøtten &amp; egen læge');
    expect(escapedText('f', '&amp; &#10; &nbsp;', true)).toBe('&amp;amp; &amp;#10; &amp;nbsp;');
  });

  it('normalises line breaks, and in attributes writes them and tabs as references', () => {
    expect(escapedText('f', 'a\r\nb\rc\nd\te', false)).toBe('a\nb\nc\nd\te');
    expect(escapedText('f', 'a\r\nb\rc\nd\te', true)).toBe('a&#10;b&#10;c&#10;d&#9;e');
  });

  it('refuses characters XML cannot carry, wherever they are', () => {
    for (const text of ['a\u0000b', 'bell\u0007', 'lone \uD800 surrogate', 'x & \uFFFE'])
      expect(() => escapedText('text', text, false)).toThrow(/text contains characters not allowed in XML/);
  });
});
