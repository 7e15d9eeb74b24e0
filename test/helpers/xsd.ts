// Validates XML against the official PAGE 2019 and ALTO 4 schemas (copied into
// test/fixtures/schemas) with libxml2 compiled to wasm: no system xmllint needed.
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

const schemaDir = new URL('../fixtures/schemas/', import.meta.url);
const load = (name: string) => readFileSync(new URL(name, schemaDir), 'utf8');

export const SCHEMAS = {
  page2019: 'pagecontent-2019-07-15.xsd',
  alto42: 'alto-4-2.xsd',
  alto44: 'alto-4-4.xsd',
} as const;

export async function schemaErrors(xml: string, schema: keyof typeof SCHEMAS): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'export.xml', contents: xml }],
    schema: [load(SCHEMAS[schema])],
    preload: schema === 'page2019' ? [] : [{ fileName: 'xlink.xsd', contents: load('xlink.xsd') }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
