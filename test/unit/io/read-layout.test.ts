import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readLayout } from '../../../main/io/read-layout.ts';

const fixture = (name: string) => new URL(`../../fixtures/xml/${name}`, import.meta.url).pathname;
const read = (name: string) => readLayout(name, readFileSync(fixture(name), 'utf8'));
const texts = (page: ReturnType<typeof read>) => page.regions.flatMap((r) => r.lines.map((l) => l.text));

test('PAGE 2019: reading order, baselines, line text, word text, entities and NFC', () => {
  const page = read('page-2019.xml');
  assert.equal(page.format, 'page-2019');
  assert.equal(page.imageFilename, 'folio-12r.png');
  assert.deepEqual([page.width, page.height], [800, 600]);
  assert.deepEqual(
    page.regions.map((r) => r.id),
    ['eSc_textblock_b', 'eSc_textblock_a'],
  );
  assert.deepEqual(texts(page), ['Anno 1743 the 4th of May', null, 'Item ſold to the miller & his wife', 'Caf\u00e9 rent paid.']);
  const line = page.regions[1].lines[0];
  assert.deepEqual(line.baseline, [
    [50, 350],
    [400, 348],
    [740, 352],
  ]);
  assert.equal(line.confidence, 0.93);
  assert.deepEqual(page.warnings, []);
});

test('PAGE 2013 from Transkribus: custom reading order, and every broken line repaired or skipped with a warning', () => {
  const page = read('page-2013-transkribus.xml');
  assert.equal(page.format, 'page-2013');
  assert.deepEqual(
    page.regions.map((r) => r.id),
    ['r1', 'r2'],
  );
  assert.deepEqual(
    page.regions[1].lines.map((l) => l.id),
    ['r2l0', 'r2l1', 'r2l2'],
  );
  assert.deepEqual(
    page.regions[0].lines.map((l) => l.id),
    ['r1l1', 'r1l2', 'r1l2_2'],
  );
  const w = page.warnings.join('\n');
  assert.match(w, /line r1l1: baseline with 1 distinct point\(s\) was dropped/);
  assert.match(w, /line r1l2: polygon was empty or degenerate; rebuilt around the baseline/);
  assert.match(w, /line r1l2: duplicate id, renamed to r1l2_2/);
  assert.match(w, /line r1l4: skipped/);
  assert.match(w, /line r2l2: coordinates outside the 1000×700 image/);
  assert.equal(page.warnings.length, 5);
  const clamped = page.regions[1].lines[2];
  assert.ok(clamped.polygon.every(([x]) => x <= 1000));
});

test('ALTO v2: box polygons, numeric baseline, words joined by spaces, mean word confidence', () => {
  const page = read('alto-v2.xml');
  assert.equal(page.format, 'alto-2');
  assert.equal(page.imageFilename, 'page-v2.png');
  assert.deepEqual(texts(page), ['Receipt for corn', '2 bushels']);
  const [first] = page.regions[0].lines;
  assert.deepEqual(first.polygon, [
    [30, 30],
    [530, 30],
    [530, 70],
    [30, 70],
  ]);
  assert.deepEqual(first.baseline, [
    [30, 62],
    [530, 62],
  ]);
  assert.ok(Math.abs(first.confidence! - 0.8) < 1e-9);
});

test('ALTO v3: text blocks inside composed blocks keep document order', () => {
  const page = read('alto-v3.xml');
  assert.equal(page.format, 'alto-3');
  assert.deepEqual(texts(page), ['Dear brother,', 'the harvest failed']);
});

test('ALTO v4: polygons from Shape, baselines as points, special characters kept', () => {
  const page = read('alto-v4.xml');
  assert.equal(page.format, 'alto-4');
  const [a, b] = page.regions[0].lines;
  assert.deepEqual(a.polygon, [
    [40, 50],
    [860, 52],
    [860, 105],
    [40, 104],
  ]);
  assert.deepEqual(a.baseline, [
    [40, 95],
    [500, 92],
    [860, 96],
  ]);
  assert.equal(a.text, 'My dearest Anne,');
  assert.equal(b.text, 'æ ſ ꝛ – all arrived safe.');
});

test('hostile and broken files are refused with the file name and the reason', () => {
  assert.throws(() => read('hostile/xxe.xml'), /xxe\.xml: DOCTYPE and ENTITY declarations are not allowed/);
  const started = process.memoryUsage().heapUsed;
  assert.throws(() => read('hostile/billion-laughs.xml'), /billion-laughs\.xml: DOCTYPE/);
  assert.ok(process.memoryUsage().heapUsed - started < 50e6, 'no entity expansion');
  assert.throws(() => read('hostile/malformed.xml'), /malformed\.xml: malformed XML at line \d+/);
  assert.throws(() => read('hostile/unknown-namespace.xml'), /unknown-namespace\.xml: PAGE namespace .*2010-03-19 is not supported/);
  assert.throws(() => readLayout('notes.xml', '<notes><n>hi</n></notes>'), /notes\.xml: root element <notes> is neither PAGE/);
});

const PAGE_NS = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
const ALTO_NS = 'http://www.loc.gov/standards/alto/ns-v4#';

test('PAGE: the TextEquiv of lowest index is the main text, whatever their order in the file', () => {
  const page = readLayout(
    'equiv.xml',
    `<PcGts xmlns="${PAGE_NS}"><Page imageFilename="p.png" imageWidth="200" imageHeight="100"><TextRegion id="r"><Coords points="0,0 200,0 200,100 0,100"/>
      <TextLine id="l"><Coords points="10,10 190,10 190,40 10,40"/>
        <TextEquiv index="2"><Unicode>alternative</Unicode></TextEquiv><TextEquiv index="1"><Unicode>main reading</Unicode></TextEquiv>
      </TextLine></TextRegion></Page></PcGts>`,
  );
  assert.equal(page.regions[0].lines[0].text, 'main reading');
});

test('PAGE: an empty Unicode is no text (Transkribus writes one on every untranscribed line); word text then counts', () => {
  const page = readLayout(
    'layout-only.xml',
    `<PcGts xmlns="${PAGE_NS}"><Page imageFilename="p.png" imageWidth="200" imageHeight="100"><TextRegion id="r"><Coords points="0,0 200,0 200,100 0,100"/>
      <TextLine id="a"><Coords points="10,10 190,10 190,30 10,30"/><TextEquiv><Unicode/></TextEquiv></TextLine>
      <TextLine id="b"><Coords points="10,40 190,40 190,60 10,60"/><TextEquiv conf="0.9"><Unicode></Unicode></TextEquiv></TextLine>
      <TextLine id="c"><Coords points="10,70 190,70 190,90 10,90"/>
        <Word id="w1"><Coords points="10,70 90,70 90,90 10,90"/><TextEquiv><Unicode>two</Unicode></TextEquiv></Word>
        <Word id="w2"><Coords points="100,70 190,70 190,90 100,90"/><TextEquiv><Unicode>words</Unicode></TextEquiv></Word>
        <TextEquiv><Unicode/></TextEquiv></TextLine>
      </TextRegion></Page></PcGts>`,
  );
  assert.deepEqual(
    page.regions[0].lines.map((l) => [l.text, l.confidence]),
    [
      [null, null],
      [null, null],
      ['two words', null],
    ],
  );
});

test('a region reaching outside the page is moved inside it, with a warning, as a line is', () => {
  const page = readLayout(
    'region.xml',
    `<PcGts xmlns="${PAGE_NS}"><Page imageFilename="p.png" imageWidth="200" imageHeight="100"><TextRegion id="r"><Coords points="-2,0 210,0 210,100 -2,100"/>
      <TextLine id="l"><Coords points="10,10 190,10 190,40 10,40"/><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>`,
  );
  assert.deepEqual(page.regions[0].polygon, [
    [0, 0],
    [200, 0],
    [200, 100],
    [0, 100],
  ]);
  assert.match(page.warnings.join('\n'), /region r: coordinates outside the 200×100 image were moved to its edge/);
});

test("ALTO: a line's HYP is the hyphen at its end", () => {
  const page = readLayout(
    'hyp.xml',
    `<alto xmlns="${ALTO_NS}"><Layout><Page WIDTH="200" HEIGHT="100"><PrintSpace><TextBlock ID="b">
      <TextLine ID="l" HPOS="10" VPOS="10" WIDTH="180" HEIGHT="30"><String CONTENT="Wort" HPOS="10" VPOS="10" WIDTH="40" HEIGHT="30"/><SP/><String CONTENT="geschrie" HPOS="60" VPOS="10" WIDTH="100" HEIGHT="30"/><HYP CONTENT="-"/></TextLine>
    </TextBlock></PrintSpace></Page></Layout></alto>`,
  );
  assert.equal(page.regions[0].lines[0].text, 'Wort geschrie-');
});

test('PAGE: a nested ordered group is read where it stands in its parent, its indices its own', () => {
  const region = (id: string, y: number) =>
    `<TextRegion id="${id}"><Coords points="0,${y} 200,${y} 200,${y + 20} 0,${y + 20}"/><TextLine id="l${id}"><Coords points="5,${y + 2} 190,${y + 2} 190,${y + 18} 5,${y + 18}"/><TextEquiv><Unicode>${id}</Unicode></TextEquiv></TextLine></TextRegion>`;
  const page = readLayout(
    'nested.xml',
    `<PcGts xmlns="${PAGE_NS}"><Page imageFilename="p.png" imageWidth="200" imageHeight="100">
      <ReadingOrder><OrderedGroup id="g">
        <RegionRefIndexed index="1" regionRef="a"/>
        <OrderedGroupIndexed id="h" index="0"><RegionRefIndexed index="0" regionRef="b"/><RegionRefIndexed index="1" regionRef="c"/></OrderedGroupIndexed>
      </OrderedGroup></ReadingOrder>
      ${region('a', 0)}${region('b', 30)}${region('c', 60)}</Page></PcGts>`,
  );
  assert.deepEqual(
    page.regions.map((r) => r.id),
    ['b', 'c', 'a'],
  );
});
