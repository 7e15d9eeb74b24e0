// The line tools per region: drawing a region takes the lines it holds, regions carry their
// lines when reordered, a region's lines can be put top to bottom, "Find lines" within one
// region replaces only that region's untranscribed lines; PAGE imports keep their regions
// and types; the database accepts exactly PAGE's region types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { REGION_TYPES } from '../../../shared/region-types.ts';
import { createService } from '../../../main/api/service.ts';
import { readLayout } from '../../../main/io/read-layout.ts';
import { readFileSync } from 'node:fs';
import type { Point } from '../../../main/io/layout.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { write } from '../../helpers/layout-files.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

/** A project with one generated page of text, its service, and that page. */
async function onePageProject() {
  const file = join(tempDir(), 'scan.png');
  await writeSynthPage(4, file);
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [p] = await api.listPages({ documentId: (await api.listDocuments({}))[0].id });
  return { project, api, p };
}

test('region tools: draw, reorder, sort, find lines within one region, delete', async () => {
  const { project, api, p } = await onePageProject();
  try {
    await api.segmentPages({ pageIds: [p.id], segmenter: 'classical' });
    const lines = (await api.getPage({ pageId: p.id })).lines;
    const middle = lines[Math.floor(lines.length / 2)].box;
    // Two regions drawn by hand: the top half and the bottom half of the text.
    const top = (await api.addRegion({ pageId: p.id, polygon: rect(0, 0, p.width, middle.y), type: 'paragraph' })).regionId;
    const bottom = (await api.addRegion({ pageId: p.id, polygon: rect(0, middle.y, p.width, p.height), type: 'footnote' })).regionId;
    let view = await api.getPage({ pageId: p.id });
    const inTop = view.lines.filter((l) => l.regionId === top).map((l) => l.id);
    const inBottom = view.lines.filter((l) => l.regionId === bottom).map((l) => l.id);
    assert.equal(inTop.length + inBottom.length, lines.length);
    assert.ok(inTop.length >= 3 && inBottom.length >= 3);

    // The bottom region first: its lines come first, each region's lines in their order.
    await api.moveRegion({ regionId: bottom, order: 0 });
    view = await api.getPage({ pageId: p.id });
    assert.deepEqual(
      view.regions.map((r) => r.id),
      [bottom, top],
    );
    assert.deepEqual(
      view.lines.map((l) => l.id),
      [...inBottom, ...inTop],
    );

    // Reading order per region: shuffled lines of the top region are put back top to bottom.
    await api.moveLine({ lineId: inTop[0], order: view.lines.length - 1 });
    await api.sortRegionLines({ regionId: top });
    view = await api.getPage({ pageId: p.id });
    assert.deepEqual(
      view.lines.map((l) => l.id),
      [...inBottom, ...inTop],
    );

    // Find lines within the top region: its untranscribed lines are replaced, the transcribed one and the other region's lines stay.
    await api.saveTranscription({ lineId: inTop[1], text: 'kept' });
    const report = await api.segmentRegion({ regionId: top, segmenter: 'classical' });
    assert.equal(report.keptLabeled, 1);
    assert.equal(report.removed, inTop.length - 1);
    assert.ok(Math.abs(report.added - (inTop.length - 1)) <= 1, `${report.added} lines found for ${inTop.length - 1}`);
    view = await api.getPage({ pageId: p.id });
    assert.deepEqual(
      view.lines.filter((l) => l.regionId === bottom).map((l) => l.id),
      inBottom,
    );
    const topLines = view.lines.filter((l) => l.regionId === top);
    assert.ok(topLines.some((l) => l.id === inTop[1] && l.text === 'kept'));
    assert.ok(topLines.every((l) => l.box.y + l.box.h / 2 <= middle.y));
    assert.deepEqual(
      view.lines.map((l) => l.regionId),
      [...inBottom.map(() => bottom), ...topLines.map(() => top)],
      'the page reads region by region',
    );
    // The model within a region too.
    assert.equal((await api.segmentRegion({ regionId: bottom })).segmenter, 'bundled');
    assert.ok((await api.getPage({ pageId: p.id })).lines.filter((l) => l.regionId === bottom).length >= inBottom.length - 1);

    // A drawn line joins the region holding it; a region deleted leaves its lines in none.
    const drawn = (await api.addLine({ pageId: p.id, polygon: rect(100, middle.y + 5, 400, middle.y + 30), baseline: null })).lineId;
    assert.equal((await api.getPage({ pageId: p.id })).lines.find((l) => l.id === drawn)?.regionId, bottom);
    await api.deleteRegion({ regionId: bottom });
    view = await api.getPage({ pageId: p.id });
    assert.deepEqual(
      view.regions.map((r) => [r.id, r.order]),
      [[top, 0]],
    );
    assert.ok(view.lines.some((l) => l.id === drawn && l.regionId === null));
    await assert.rejects(api.updateRegion({ regionId: bottom, excluded: true }), /no region/);
  } finally {
    project.close();
  }
});

test('a region reaching outside the page is refused, as a line is, and the page is left as it was', async () => {
  const { project, api, p } = await onePageProject();
  try {
    await assert.rejects(
      api.addRegion({ pageId: p.id, polygon: rect(-20, -10, 100, 5), type: 'header' }),
      /new region: point -20,-10 lies outside the page/,
    );
    await assert.rejects(api.addRegion({ pageId: p.id, polygon: rect(0, 0, p.width + 1, 50), type: 'header' }), /lies outside the page/);
    assert.deepEqual((await api.getPage({ pageId: p.id })).regions, []);
    // The page's own edges are inside.
    await api.addRegion({ pageId: p.id, polygon: rect(0, 0, p.width, p.height), type: 'paragraph' });
    assert.equal((await api.getPage({ pageId: p.id })).regions.length, 1);
  } finally {
    project.close();
  }
});

test('a PAGE import keeps its regions with their types and names, and exports them again', async () => {
  const dir = tempDir();
  await sharp({ create: { width: 400, height: 300, channels: 3, background: '#eee' } })
    .png()
    .toFile(join(dir, 'p.png'));
  const line = (id: string, y: number, text: string) =>
    `<TextLine id="${id}"><Coords points="60,${y} 300,${y} 300,${y + 20} 60,${y + 20}"/><TextEquiv><Unicode>${text}</Unicode></TextEquiv></TextLine>`;
  const xml = write(
    dir,
    'p.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page imageFilename="p.png" imageWidth="400" imageHeight="300">
<TextRegion id="main" custom="structure {type:MainZone;}"><Coords points="50,40 320,40 320,200 50,200"/>${line('a', 50, 'one')}${line('b', 80, 'two')}</TextRegion>
<TextRegion id="note" custom="structure {type:MarginTextZone;}"><Coords points="5,40 45,40 45,100 5,100"/><TextLine id="c"><Coords points="8,50 40,50 40,70 8,70"/><TextEquiv><Unicode>n.b.</Unicode></TextEquiv></TextLine></TextRegion>
<TextRegion id="folio" type="page-number"><Coords points="350,5 390,5 390,30 350,30"/></TextRegion>
</Page></PcGts>`,
  );
  const project = newProject();
  const api = createService(project);
  try {
    const report = await api.importFiles({ paths: [xml] });
    assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
    const [doc] = await api.listDocuments({});
    const [p] = await api.listPages({ documentId: doc.id });
    const view = await api.getPage({ pageId: p.id });
    assert.deepEqual(
      view.regions.map((r) => [r.type, r.label, r.lines]),
      [
        ['paragraph', 'MainZone', 2],
        ['marginalia', 'MarginTextZone', 1],
        ['page-number', null, 0],
      ],
    );
    assert.deepEqual(
      view.lines.map((l) => [l.text, view.regions.findIndex((r) => r.id === l.regionId)]),
      [
        ['one', 0],
        ['two', 0],
        ['n.b.', 1],
      ],
    );
    // A type set by hand replaces the source's name for it.
    await api.updateRegion({ regionId: view.regions[1].id, type: 'footnote' });
    const { files } = await api.exportDocuments({ format: 'page', out: join(dir, 'out') });
    const again = readLayout(
      'x.xml',
      readFileSync(
        files.find((f) => f.endsWith('.xml'))!,
        'utf8',
      ),
    );
    assert.deepEqual(
      again.regions.map((r) => [r.type, r.label, r.lines.map((l) => l.text)]),
      [
        ['paragraph', 'MainZone', ['one', 'two']],
        ['footnote', undefined, ['n.b.']],
        ['page-number', undefined, []],
      ],
    );
  } finally {
    project.close();
  }
});

test('the regions table accepts exactly the PAGE region types of shared/region-types.ts', () => {
  const project = newProject();
  try {
    const db = project.db;
    db.exec(`INSERT INTO documents (id, name, kind, source_path, source_hash) VALUES (1, 'd', 'scan', 'f', 'h');
      INSERT INTO pages (id, document_id, page_index, image_hash, width, height) VALUES (1, 1, 0, 'x', 10, 10);`);
    const insert = db.prepare("INSERT INTO regions (page_id, reading_order, type, polygon) VALUES (1, 0, ?, '[]')");
    for (const type of REGION_TYPES) insert.run(type);
    assert.throws(() => insert.run('MainZone'), /CHECK/);
    assert.throws(
      () => db.prepare("INSERT INTO regions (page_id, reading_order, type, polygon, excluded) VALUES (1, 0, 'other', '[]', 2)").run(),
      /CHECK/,
    );
  } finally {
    project.close();
  }
});
