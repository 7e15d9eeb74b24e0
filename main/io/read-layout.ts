// Reads a PAGE or ALTO file (format detected from its root element and namespace) into
// the layout model, with bad lines repaired or skipped and listed in `warnings`.
import { readAlto, ALTO_NAMESPACES } from './alto-xml.ts';
import { readPage, PAGE_2013, PAGE_2019 } from './page-xml.ts';
import { repairPage } from './repair.ts';
import { parseXml, rootElement, XmlError } from './xml.ts';
import type { LayoutPage } from './layout.ts';

/**
 * The namespace as the schema defines it. Transkribus' TRP export (and some others) write
 * `https://schema.primaresearch.org/...`, and some writers add a trailing slash; the
 * schema is the same, so these are read as the canonical http:// form (export writes that).
 */
export function canonicalNamespace(ns: string): string {
  return ns
    .trim()
    .replace(/^https:\/\//i, 'http://')
    .replace(/\/+$/, '');
}

export function readLayout(file: string, text: string): LayoutPage {
  if (text.trim() === '') throw new XmlError(`${file}: the file is empty`);
  const doc = parseXml(file, text);
  const { name, node } = rootElement(doc);
  const namespaces = [...text.matchAll(/xmlns(?::[\w.-]+)?\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
  const pick = (known: (n: string) => boolean) => {
    const declared = namespaces.find((n) => known(canonicalNamespace(n)));
    if (declared === undefined) return undefined;
    const ns = canonicalNamespace(declared);
    return { ns, note: ns === declared ? null : `namespace declared as ${declared} (a variant, as Transkribus writes it); read as ${ns}` };
  };
  const withNote = (page: LayoutPage, note: string | null) => (note ? { ...page, warnings: [note, ...page.warnings] } : page);
  if (name === 'PcGts') {
    const found = pick((n) => n === PAGE_2019 || n === PAGE_2013);
    if (!found)
      throw new XmlError(
        `${file}: PAGE namespace ${namespaces.find((n) => n.includes('primaresearch')) ?? '(none)'} is not supported (2013-07-15 or 2019-07-15)`,
      );
    return repairPage(withNote(readPage(file, node, found.ns), found.note));
  }
  if (name === 'alto') {
    const found = pick((n) => n in ALTO_NAMESPACES || `${n}#` in ALTO_NAMESPACES);
    if (!found)
      throw new XmlError(
        `${file}: ALTO namespace ${namespaces.find((n) => n.includes('alto')) ?? '(none)'} is not supported (v2, v3 or v4)`,
      );
    return repairPage(withNote(readAlto(file, node, ALTO_NAMESPACES[found.ns] ?? ALTO_NAMESPACES[`${found.ns}#`]), found.note));
  }
  throw new XmlError(`${file}: root element <${name}> is neither PAGE (PcGts) nor ALTO (alto)`);
}
