import { XMLValidator, type EntityDecoderOptions } from 'fast-xml-parser';
import { defaultXmlCountLimits, xmlCountViolation, type XmlCountLimits } from './xml-limits.ts';

/** A letter that cannot be read as XML. The message names the problem, never the content. */
export class LetterXmlError extends Error {
  override readonly name = 'LetterXmlError';
}

export interface ParseLetterXmlOptions {
  /** UTF-8 bytes; a MedCom letter with ten large attachments stays well below the default. */
  maxBytes?: number;
  /** Element nesting; MedCom letters use about 15 levels including the narrative. */
  maxDepth?: number;
  /** Elements, attributes per element and references: what makes parsing slow, not just big. */
  counts?: XmlCountLimits;
}

export const defaultLetterXmlLimits = { maxBytes: 100 * 1024 * 1024, maxDepth: 64 } as const;

const predefinedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/**
 * Only the five predefined entities and character references exist in a letter: with DOCTYPE
 * refused nothing else can be declared, so any other `&name;` makes the XML not well-formed.
 */
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^&;\s]*)(;?)/g, (_match, name: string, semicolon: string) => {
    if (semicolon === ';') {
      const predefined = predefinedEntities[name];
      if (predefined !== undefined) return predefined;
      const numeric = /^#x([0-9A-Fa-f]{1,6})$/.exec(name) ?? /^#([0-9]{1,7})$/.exec(name);
      if (numeric) {
        const codePoint = Number.parseInt(numeric[1]!, name.startsWith('#x') ? 16 : 10);
        if (isXmlChar(codePoint)) return String.fromCodePoint(codePoint);
        throw new LetterXmlError('xml: character reference to a character not allowed in XML');
      }
    }
    throw new LetterXmlError('xml: undeclared entity or bare "&"');
  });
}

const refuseDeclaredEntities = () => {
  throw new LetterXmlError('xml: entity declarations are refused');
};

/** Routes the parser's entity handling through decodeReferences and refuses declared entities. */
export const entityDecoder: EntityDecoderOptions = {
  decode: decodeReferences,
  addInputEntities: refuseDeclaredEntities,
  setExternalEntities: refuseDeclaredEntities,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};

const base64Char = /[A-Za-z0-9+/=\s]/;

/**
 * The validator walks attribute values a character at a time (about 0.3 s per MB). A quoted run of
 * base64 characters is well-formed whatever it holds, so long ones (attachment data) are left out
 * of the well-formedness check (columns reported after one shift); the parser still reads them.
 */
function withoutLongBase64Values(xml: string): string {
  const marker = 'value="';
  const kept: string[] = [];
  let from = 0;
  for (let at = xml.indexOf(marker); at !== -1; at = xml.indexOf(marker, at + 1)) {
    const start = at + marker.length;
    let end = start;
    while (end < xml.length && base64Char.test(xml[end]!)) end += 1;
    if (end - start >= 256 && xml[end] === '"') {
      kept.push(xml.slice(from, start));
      from = end;
      at = end;
    }
  }
  kept.push(xml.slice(from));
  return kept.join('');
}

/**
 * The checks every XML document passes before a parser sees it: its size, no DOCTYPE or ENTITY
 * declaration (entity expansion and external entities are the classic XML attacks), element and
 * attribute counts, and well-formedness. Returns the nesting limit the parser must apply.
 */
export function assertReadableXml(xml: string, options: ParseLetterXmlOptions = {}): { maxDepth: number } {
  const { maxBytes, maxDepth, counts } = { ...defaultLetterXmlLimits, counts: defaultXmlCountLimits, ...options };
  if (xml.length > maxBytes || Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new LetterXmlError(`xml: larger than ${maxBytes} bytes`);
  }
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) throw new LetterXmlError('xml: DOCTYPE and ENTITY declarations are refused');
  const tooMany = xmlCountViolation(xml, counts);
  if (tooMany) throw new LetterXmlError(tooMany);
  const wellFormed = XMLValidator.validate(withoutLongBase64Values(xml));
  if (wellFormed !== true) {
    const { code, line, col } = wellFormed.err;
    throw new LetterXmlError(`xml: not well-formed (${code} at line ${line}, column ${col})`);
  }
  return { maxDepth };
}

/** The parser's own messages may quote the document, so only the depth limit is named. */
export function parserFailure(error: unknown, maxDepth: number): LetterXmlError {
  if (error instanceof LetterXmlError) return error;
  if (error instanceof Error && /nested tags/i.test(error.message))
    return new LetterXmlError(`xml: nested deeper than ${maxDepth} elements`);
  return new LetterXmlError('xml: could not be parsed');
}
