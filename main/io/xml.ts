// Safe XML reading for PAGE and ALTO. Neither format needs a DTD, so any DOCTYPE or
// ENTITY declaration is refused before parsing: no external entity is ever resolved (XXE)
// and no entity expansion can blow up memory ("billion laughs").
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlError extends Error {
  override name = 'XmlError';
}

export type XmlNode = Record<string, unknown>;

/** Numeric character references (&#233; &#x301;), which the parser leaves as they are. */
const decodeCharRefs = (value: string) =>
  value.includes('&#')
    ? value.replace(/&#(x[0-9a-f]+|\d+);/gi, (ref, n: string) => {
        const code = n[0].toLowerCase() === 'x' ? parseInt(n.slice(1), 16) : Number(n);
        // XML allows only these characters (XML 1.0, section 2.2); others are not well-formed.
        const allowed =
          code === 0x9 ||
          code === 0xa ||
          code === 0xd ||
          (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) ||
          (code >= 0x10000 && code <= 0x10ffff);
        if (!allowed) throw new XmlError(`invalid character reference ${ref}`);
        return String.fromCodePoint(code);
      })
    : value;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  // Safe because DOCTYPE is refused first: only the predefined and numeric entities remain.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  tagValueProcessor: (_name, value) => decodeCharRefs(value),
  attributeValueProcessor: (_name, value) => decodeCharRefs(value),
  // Elements that may repeat are always arrays, so one code path reads one or many.
  isArray: (name) =>
    [
      'TextRegion',
      'TextLine',
      'Word',
      'TextEquiv',
      'RegionRefIndexed',
      'OrderedGroup',
      'UnorderedGroup',
      'TextBlock',
      'String',
      'SP',
      'HYP',
      'Page',
      'PrintSpace',
      'ComposedBlock',
      'TableRegion',
      'TextCell',
    ].includes(name),
});

export function parseXml(file: string, text: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new XmlError(`${file}: DOCTYPE and ENTITY declarations are not allowed in PAGE or ALTO files (refused for safety)`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`${file}: malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  try {
    return parser.parse(text) as XmlNode;
  } catch (error) {
    // The validator passed, so this is something it does not check (e.g. a bad character reference).
    throw new XmlError(`${file}: malformed XML: ${(error as Error).message}`);
  }
}

/** The unprefixed name of the document element and its node. */
export function rootElement(doc: XmlNode): { name: string; node: XmlNode } {
  const name = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!name) throw new XmlError('document has no root element');
  return { name, node: (doc[name] ?? {}) as XmlNode };
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as XmlNode)['#text'] ?? '');
  return String(value);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
