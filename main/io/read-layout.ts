// Reads a PAGE or ALTO file (format detected from its root element and namespace) into
// the layout model, with bad lines repaired or skipped and listed in `warnings`.
import { readAlto, ALTO_NAMESPACES } from './alto-xml.ts';
import { readPage, PAGE_2013, PAGE_2019 } from './page-xml.ts';
import { repairPage } from './repair.ts';
import { parseXml, rootElement, XmlError } from './xml.ts';
import type { LayoutPage } from './layout.ts';

export function readLayout(file: string, text: string): LayoutPage {
  const doc = parseXml(file, text);
  const { name, node } = rootElement(doc);
  const namespaces = [...text.matchAll(/xmlns(?::\w+)?="([^"]+)"/g)].map((m) => m[1]);
  if (name === 'PcGts') {
    const ns = namespaces.find((n) => n === PAGE_2019 || n === PAGE_2013);
    if (!ns) throw new XmlError(`${file}: PAGE namespace ${namespaces.find((n) => n.includes('primaresearch')) ?? '(none)'} is not supported (2013-07-15 or 2019-07-15)`);
    return repairPage(readPage(file, node, ns));
  }
  if (name === 'alto') {
    const ns = namespaces.find((n) => n in ALTO_NAMESPACES);
    if (!ns) throw new XmlError(`${file}: ALTO namespace ${namespaces.find((n) => n.includes('alto')) ?? '(none)'} is not supported (v2, v3 or v4)`);
    return repairPage(readAlto(file, node, ALTO_NAMESPACES[ns]));
  }
  throw new XmlError(`${file}: root element <${name}> is neither PAGE (PcGts) nor ALTO (alto)`);
}
