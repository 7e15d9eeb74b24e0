// The XML reading and escaping under PAGE and ALTO: entities and character references are
// decoded exactly once (a literal "&#233;" in a transcription stays that text), CDATA is
// text as it stands, and whatever a transcription holds is written as well-formed XML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeXml, escapeXml, parseXml, textOf, type XmlNode } from '../../../main/io/xml.ts';

const read = (xml: string) => parseXml('t.xml', xml).a as XmlNode;

test('entities and character references are decoded once, in text, attributes and CDATA alike', () => {
  assert.equal(textOf(read('<a>code &amp;#233; here</a>')), 'code &#233; here');
  assert.equal(textOf(read('<a>Caf&#233; &#x301; &lt;&gt; &quot;&apos; &amp;</a>')), 'Café \u0301 <> "\' &');
  assert.equal(read('<a CONTENT="&amp;#38;c &#38;c"/>')['@CONTENT'], '&#38;c &c');
  assert.equal(textOf(read('<a><![CDATA[&#233; &amp; <b>]]></a>')), '&#233; &amp; <b>');
  assert.equal(textOf(read('<a>x<![CDATA[&lt;]]>y &amp;#1;</a>')), 'x&lt;y &#1;');
  assert.equal(textOf(read('<a>&#xE9;</a>')), 'é');
  // Any other entity is undeclared (no DTD is allowed): refused, never kept as the text "&nbsp;".
  // Names are case-sensitive, so &AMP; is one of them.
  assert.throws(() => read('<a>a&nbsp;b</a>'), /t\.xml: malformed XML: undeclared entity &nbsp;/);
  assert.throws(() => read('<a CONTENT="caf&eacute;"/>'), /t\.xml: malformed XML: undeclared entity &eacute;/);
  assert.throws(() => read('<a>&AMP;</a>'), /undeclared entity &AMP;/);
  assert.throws(() => read('<a>&#1;</a>'), /t\.xml: malformed XML: invalid character reference &#1;/);
});

test('any text escapes to well-formed XML that reads back as itself, or with U+FFFD where XML holds no such character', () => {
  for (const text of ['Café & <b> "x"', 'literal &#233; and &amp;', 'tab\there', 'a\r\nb', '𝔄𝔫𝔫𝔬 1743 ✓', 'مرحبا', 'e\u0301']) {
    assert.equal(textOf(read(`<a>${escapeXml(text)}</a>`)), text, JSON.stringify(text));
    assert.equal(read(`<a v="${escapeXml(text)}"/>`)['@v'], text, JSON.stringify(text));
  }
  for (const [text, written] of [
    ['a\u0001b', 'a\ufffdb'],
    ['x\uffffy', 'x\ufffdy'],
    ['lone \ud800 high', 'lone \ufffd high'],
    ['lone \udc00 low', 'lone \ufffd low'],
  ]) {
    assert.equal(textOf(read(`<a>${escapeXml(text)}</a>`)), written, JSON.stringify(text));
  }
});

test('an XML file is read in the encoding its byte order mark or declaration gives, and refused, named, when its bytes are not that', () => {
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>M\u00fcller</a>', 'latin1');
  assert.equal(textOf(parseXml('l.xml', decodeXml('l.xml', latin1)).a), 'Müller');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>Ærø ✓</a>', 'utf16le')]);
  assert.equal(textOf(parseXml('w.xml', decodeXml('w.xml', utf16)).a), 'Ærø ✓');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>Café</a>', 'utf8')]);
  assert.equal(textOf(parseXml('b.xml', decodeXml('b.xml', bom)).a), 'Café');
  // Latin-1 bytes in a file that declares nothing (so UTF-8): refused, not read as "M�ller".
  assert.throws(() => decodeXml('bad.xml', Buffer.from('<a>M\u00fcller</a>', 'latin1')), /bad\.xml: not valid utf-8 text/);
  assert.throws(
    () => decodeXml('odd.xml', Buffer.from('<?xml version="1.0" encoding="X-KLINGON"?><a/>')),
    /odd\.xml: unsupported encoding "X-KLINGON"/,
  );
});
