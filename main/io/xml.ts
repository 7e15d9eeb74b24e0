// Safe XML reading for PAGE and ALTO. Neither format needs a DTD, so any DOCTYPE or
// ENTITY declaration is refused before parsing: no external entity is ever resolved (XXE)
// and no entity expansion can blow up memory ("billion laughs").
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlError extends Error {
  override name = 'XmlError';
}

export type XmlNode = Record<string, unknown>;

/** Whether XML 1.0 allows the character (section 2.2); others are not well-formed, even as a reference. */
const xmlChar = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The predefined entities and numeric character references (&amp; &#233; &#x301;), decoded
 * in one pass: decoding `&amp;` first and references after would read `&amp;#233;` (the
 * text "&#233;") as "é". The parser's own entity handling is off for that reason.
 */
const decodeEntities = (value: string) =>
  value.includes('&')
    ? // Case-sensitive, as XML's names are (and its hexadecimal references start with a lowercase x).
      value.replace(
        /&(?:(amp|lt|gt|quot|apos)|#(x[0-9a-fA-F]+|[0-9]+)|([^;&\s]*));/g,
        (ref, named: string | undefined, n: string | undefined) => {
          if (named) return NAMED[named];
          // Any other name (&nbsp; &eacute;, written by HTML-minded tools) is undeclared: without
          // a DTD the file is not well-formed, and kept as it stands the label would read "&nbsp;".
          if (n === undefined)
            throw new XmlError(
              `undeclared entity ${ref} (only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#160; exist without a DTD)`,
            );
          const code = n![0] === 'x' ? parseInt(n!.slice(1), 16) : Number(n);
          if (!xmlChar(code)) throw new XmlError(`invalid character reference ${ref}`);
          return String.fromCodePoint(code);
        },
      )
    : value;

/** CDATA sections as escaped text, so every text reaches decodeEntities encoded alike (a CDATA's "&#233;" stays as it is). */
const cdataAsText = (xml: string) =>
  xml.includes('<![CDATA[')
    ? xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, c: string) => c.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    : xml;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  // Decoded by decodeEntities instead (DOCTYPE is refused first: only the predefined and numeric entities exist).
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
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

/**
 * The text of an XML file's bytes: by its byte order mark, else by the encoding its
 * declaration names (UTF-8 when it names none), strictly: bytes that are not text in that
 * encoding are an error naming the file, never characters silently replaced.
 */
export function decodeXml(file: string, bytes: Uint8Array): string {
  let label = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, start] = ['utf-16be', 2];
  else {
    // The declaration is in ASCII whatever the encoding it names (those without a byte order mark).
    const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
    const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
    if (declared) label = declared[1];
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new XmlError(`${file}: unsupported encoding "${label}"`);
  }
  try {
    return decoder.decode(bytes.subarray(start));
  } catch {
    throw new XmlError(
      `${file}: not valid ${decoder.encoding} text (the encoding ${start ? 'its byte order mark gives' : 'it declares, or UTF-8'})`,
    );
  }
}

export function parseXml(file: string, text: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new XmlError(`${file}: DOCTYPE and ENTITY declarations are not allowed in PAGE or ALTO files (refused for safety)`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`${file}: malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  try {
    return parser.parse(cdataAsText(text)) as XmlNode;
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

/**
 * Text as XML character data or an attribute value. Characters XML cannot hold at all (C0
 * controls but tab and newlines, U+FFFE, U+FFFF, unpaired surrogates) become U+FFFD, so the
 * file stays well-formed; a carriage return is kept as a reference (a parser would turn a
 * bare one into a newline).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    );
}
