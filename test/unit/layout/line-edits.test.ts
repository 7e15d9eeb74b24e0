// Hand edits of lines: add, delete, merge, split, reorder — with nothing transcribed lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInside, clipPolygonX, convexHull } from '../../../main/layout/polygon.ts';
import { editPage as page, rect } from '../../helpers/edit-page.ts';

test('checkInside refuses a point with a coordinate that is not a finite number, which every outside test lets through', () => {
  const page = { width: 100, height: 50 };
  checkInside('line 1', page, [
    [0, 0],
    [100, 50],
  ]);
  assert.throws(() => checkInside('line 1', page, [[101, 5]]), /line 1: point 101,5 lies outside the page \(100×50\)/);
  assert.throws(() => checkInside('line 1', page, [[10, NaN]]), /line 1: point 10,NaN has a coordinate that is not a finite number/);
  assert.throws(() => checkInside('new region', page, [[NaN, NaN]]), /new region: point NaN,NaN/);
  assert.throws(() => checkInside('new line', page, [[-Infinity, 5]]), /not a finite number/);
  // JSON carries NaN as null, and null compares as 0: it passed as a point on the page's edge.
  const fromJson = JSON.parse('[[5, null]]') as Array<[number, number]>;
  assert.throws(() => checkInside('new line', page, fromJson), /new line: point 5,null has a coordinate that is not a finite number/);
});

test('convex hull and vertical clipping', () => {
  assert.deepEqual(
    convexHull([
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [5, 5],
      [10, 0],
    ]).length,
    4,
  );
  assert.deepEqual(clipPolygonX(rect(0, 0, 10, 4), 6, 'left'), [
    [0, 0],
    [6, 0],
    [6, 4],
    [0, 4],
  ]);
  assert.deepEqual(clipPolygonX(rect(0, 0, 10, 4), 6, 'right'), [
    [6, 0],
    [10, 0],
    [10, 4],
    [6, 4],
  ]);
});

test('a drawn line takes its place in the reading order by height; lines can be moved', async () => {
  const { api, add, order } = await page();
  const a = await add(100);
  const c = await add(300);
  const b = await add(200);
  assert.deepEqual(await order(), [a, b, c]);
  await api.moveLine({ lineId: c, order: 0 });
  assert.deepEqual(await order(), [c, a, b]);
  await assert.rejects(api.addLine({ pageId: 1, polygon: rect(900, 700, 200, 200), baseline: null }), /outside the page/);
});

test('deleting a transcribed line needs confirmation and archives the line with its history', async () => {
  const { project, api, add, order } = await page();
  const a = await add(100);
  const b = await add(200);
  await api.saveTranscription({ lineId: a, text: 'first draft' });
  await api.saveTranscription({ lineId: a, text: 'Item for bread' });
  await assert.rejects(api.deleteLine({ lineId: a, confirmed: false }), /carries a transcription: confirm/);
  await api.deleteLine({ lineId: a, confirmed: true });
  assert.deepEqual(await order(), [b]);
  const archived = project.db.prepare('SELECT line, transcriptions FROM deleted_lines WHERE line_id = ?').get(a) as {
    line: string;
    transcriptions: string;
  };
  assert.deepEqual(
    JSON.parse(archived.transcriptions).map((t: { text: string }) => t.text),
    ['first draft', 'Item for bread'],
  );
  assert.equal((await api.search({ query: 'bread' })).length, 0);
  await api.deleteLine({ lineId: b, confirmed: false });
  assert.deepEqual(await order(), []);
});

test('merging joins shapes, baselines and texts in reading order', async () => {
  const { api, pageId, add, order } = await page();
  const a = await add(100);
  const b = await add(150);
  const c = await add(300);
  await api.saveTranscription({ lineId: a, text: 'Received of' });
  await api.saveTranscription({ lineId: b, text: 'Mr Hale' });
  const { lineId } = await api.mergeLines({ lineIds: [b, a] });
  assert.equal(lineId, a);
  assert.deepEqual(await order(), [a, c]);
  const merged = (await api.getPage({ pageId })).lines[0];
  assert.equal(merged.text, 'Received of Mr Hale');
  assert.deepEqual(merged.box, { x: 100, y: 100, w: 600, h: 90 });
  assert.equal(merged.baseline!.length, 4);
  assert.equal((await api.lineHistory({ lineId: a })).length, 2, 'the merge is a new history row');
});

test('splitting cuts the shape and baseline; a transcribed line needs its text divided', async () => {
  const { api, pageId, add, order } = await page();
  const a = await add(100);
  const b = await add(200);
  await api.saveTranscription({ lineId: a, text: 'Item paid Thomas' });
  await assert.rejects(api.splitLine({ lineId: a, x: 400 }), /say how its text divides/);
  await assert.rejects(api.splitLine({ lineId: a, x: 50, texts: ['', ''] }), /does not cut the line/);
  const {
    lineIds: [left, right],
  } = await api.splitLine({ lineId: a, x: 400, texts: ['Item paid', 'Thomas'] });
  assert.equal(left, a);
  assert.deepEqual(await order(), [a, right, b]);
  const lines = (await api.getPage({ pageId })).lines;
  assert.deepEqual(lines[0].polygon, rect(100, 100, 300, 40));
  assert.deepEqual(lines[1].polygon, rect(400, 100, 300, 40));
  assert.deepEqual(lines[1].baseline, [
    [400, 132],
    [700, 132],
  ]);
  assert.deepEqual(
    lines.slice(0, 2).map((l) => l.text),
    ['Item paid', 'Thomas'],
  );
});

test('a cut on the edge of a line, or within a pixel of it, is refused: it would leave a part without width', async () => {
  const { api, pageId, add } = await page();
  const a = await add(100);
  for (const x of [100, 100.4, 699.6, 700]) await assert.rejects(api.splitLine({ lineId: a, x }), /does not cut the line/, `x = ${x}`);
  const lines = (await api.getPage({ pageId })).lines;
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0].polygon, rect(100, 100, 600, 40));
});

test('lines whose shapes all lie on one straight line are not merged into a two-point polygon', async () => {
  const { api, pageId } = await page();
  const flat = (x: number) => ({
    pageId,
    polygon: [
      [x, 300],
      [x + 50, 300],
      [x + 100, 300],
    ] as Array<[number, number]>,
    baseline: null,
  });
  const { lineId: a } = await api.addLine(flat(100));
  const { lineId: b } = await api.addLine(flat(300));
  await assert.rejects(api.mergeLines({ lineIds: [a, b] }), /no area/);
  assert.ok((await api.getPage({ pageId })).lines.every((l) => l.polygon.length >= 3));
});
