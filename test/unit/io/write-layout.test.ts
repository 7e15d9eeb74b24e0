// Exports validate against the official XSDs, and import → export → import gives the same
// lines, polygons, baselines and texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readLayout } from '../../../main/io/read-layout.ts';
import { PAGE_2019, writePage } from '../../../main/io/page-xml.ts';
import { regionTypeOf } from '../../../main/io/region-class.ts';
import { writeAlto } from '../../../main/io/alto-xml.ts';
import type { LayoutPage } from '../../../main/io/layout.ts';
import { schemaErrors } from '../../helpers/xsd.ts';

const FIXTURES = ['page-2019.xml', 'page-2013-transkribus.xml', 'alto-v2.xml', 'alto-v3.xml', 'alto-v4.xml'];
const read = (name: string) => readLayout(name, readFileSync(new URL(`../../fixtures/xml/${name}`, import.meta.url), 'utf8'));

/** What must survive a round trip: the lines in reading order with geometry and text. */
const essence = (page: LayoutPage) => ({
  image: page.imageFilename,
  size: [page.width, page.height],
  lines: page.regions.flatMap((r) =>
    r.lines.map((l) => ({
      id: l.id,
      polygon: l.polygon.map(([x, y]) => [Math.round(x), Math.round(y)]),
      baseline: l.baseline?.map(([x, y]) => [Math.round(x), Math.round(y)]) ?? null,
      text: l.text ?? '',
    })),
  ),
});

for (const name of FIXTURES) {
  test(`${name}: PAGE 2019 export is schema-valid and round-trips`, async () => {
    const page = read(name);
    const xml = writePage(page);
    assert.deepEqual(await schemaErrors(xml, 'page2019'), []);
    const again = readLayout('export.xml', xml);
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(essence(again), essence(page));
  });

  test(`${name}: ALTO 4 export is valid against ALTO 4.2 and 4.4 and round-trips`, async () => {
    const page = read(name);
    const xml = writeAlto(page);
    assert.deepEqual(await schemaErrors(xml, 'alto42'), []);
    assert.deepEqual(await schemaErrors(xml, 'alto44'), []);
    assert.deepEqual(essence(readLayout('export.xml', xml)), essence(page));
  });
}

test('the schema check really rejects an invalid file', async () => {
  const errors = await schemaErrors(writePage(read('page-2019.xml')).replace('<TextRegion', '<TextBlob'), 'page2019');
  assert.ok(errors.length > 0);
});

test('region types (main text, marginal notes, page numbers) survive PAGE and ALTO export, schema-valid', async () => {
  const page = read('alto-v4.xml');
  const line = page.regions[0].lines[0];
  const typed: LayoutPage = {
    ...page,
    regions: [
      { id: 'r_main', polygon: [], lines: [line], type: 'paragraph', label: 'MainZone' },
      { id: 'r_note', polygon: [], lines: [{ ...line, id: 'note_1' }], type: 'marginalia', label: 'MarginTextZone' },
      { id: 'r_folio', polygon: [], lines: [{ ...line, id: 'folio_1' }], type: 'page-number' },
      { id: 'r_plain', polygon: [], lines: [{ ...line, id: 'plain_1' }] },
      // Type and name disagree (PAGE @type wins on import): ALTO, with room for one name, keeps the type.
      { id: 'r_head', polygon: [], lines: [{ ...line, id: 'head_1' }], type: 'heading', label: 'MainZone' },
    ],
  };
  const pageXml = writePage(typed);
  assert.deepEqual(await schemaErrors(pageXml, 'page2019'), []);
  // PAGE's own @type, and the SegmOnto name beside it as eScriptorium writes it.
  assert.match(pageXml, /<TextRegion id="r_note" custom="structure \{type:MarginTextZone;\}" type="marginalia">/);
  assert.match(pageXml, /<TextRegion id="r_folio" type="page-number">/);
  const altoXml = writeAlto(typed);
  assert.deepEqual(await schemaErrors(altoXml, 'alto42'), []);
  assert.deepEqual(await schemaErrors(altoXml, 'alto44'), []);
  assert.match(altoXml, /<OtherTag ID="BT3" TYPE="block" LABEL="page-number"/);
  for (const xml of [pageXml, altoXml]) {
    const regions = readLayout('export.xml', xml).regions;
    assert.deepEqual(
      regions.map((r) => r.type),
      ['paragraph', 'marginalia', 'page-number', undefined, 'heading'],
    );
    assert.deepEqual(
      regions.map((r) => r.label),
      ['MainZone', 'MarginTextZone', undefined, undefined, xml === pageXml ? 'MainZone' : undefined],
    );
  }
});

test('region names from other vocabularies map to PAGE types; PAGE @type wins over a custom name', () => {
  const names = [
    'MainZone',
    'MarginTextZone:note',
    'NumberingZone',
    'RunningTitleZone',
    'StampZone',
    'marginal',
    'Main',
    'heading',
    undefined,
  ];
  assert.deepEqual(
    names.map((n) => regionTypeOf(n)),
    ['paragraph', 'marginalia', 'page-number', 'header', 'other', 'marginalia', 'paragraph', 'heading', 'paragraph'],
  );
  const xml = `<PcGts xmlns="${PAGE_2019}"><Page imageFilename="a.png" imageWidth="100" imageHeight="100">
    <TextRegion id="a" type="heading" custom="structure {type:MainZone;}"><Coords points="0,0 10,0 10,10"/></TextRegion>
    <TextRegion id="b" type="paragraph"><Coords points="0,0 10,0 10,10"/></TextRegion>
    <TextRegion id="c" custom="structure {type:StampZone;}"><Coords points="0,0 10,0 10,10"/></TextRegion>
  </Page></PcGts>`;
  assert.deepEqual(
    readLayout('t.xml', xml).regions.map((r) => [r.type, r.label]),
    [
      ['heading', 'MainZone'],
      ['paragraph', undefined],
      ['other', 'StampZone'],
    ],
  );
});

test('ALTO: a no-break space stays inside its word, so the text comes back as it was', () => {
  const page: LayoutPage = {
    format: 'page-2019',
    imageFilename: 'p.png',
    width: 200,
    height: 100,
    warnings: [],
    regions: [
      {
        id: 'r',
        polygon: [],
        lines: [
          {
            id: 'l',
            polygon: [
              [10, 10],
              [190, 10],
              [190, 40],
              [10, 40],
            ],
            baseline: null,
            text: '10\u00A0000 francs, quoi\u202F?',
            confidence: null,
          },
        ],
      },
    ],
  };
  const again = readLayout('export.xml', writeAlto(page));
  assert.equal(again.regions[0].lines[0].text, '10\u00A0000 francs, quoi\u202F?');
});
