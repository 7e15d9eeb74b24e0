// End to end, editing a line's shape with the mouse: add, move and remove polygon points;
// move, add and remove baseline points and drag the whole baseline; the baseline kept
// inside the polygon when an edit would carry it out; a crossing polygon refused. Every
// saved edit keeps the old shape in line_geometry_history (what undo reverts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Point } from '../../shared/api.ts';
import { shapeProblems } from '../../shared/line-shape.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { pagePoint } from '../helpers/page-screen.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [31], { lines: 5 });
});

test('polygon and baseline points are added, moved and removed with the mouse, and stay consistent', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture());
  // The handles stand over the ink being read: faint while the text field has the keyboard
  // and the pointer is elsewhere, full over the page.
  const canvasEl = page.getByTestId('page-canvas');
  await page.getByTestId('line-text').focus();
  await page.mouse.move(1, 1);
  assert.equal(await canvasEl.getAttribute('data-handles'), 'faint');
  const handlesAre = (state: string) =>
    page.waitForFunction((s) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.handles === s, state);
  await canvasEl.hover();
  await handlesAre('full');
  await page.mouse.move(1, 1);
  await handlesAre('faint');
  await canvasEl.hover();
  await handlesAre('full');
  await page.getByTestId('zoom-line').click();
  const lineId = (app.project.db.prepare('SELECT id FROM lines ORDER BY reading_order LIMIT 1').get() as { id: number }).id;
  const shape = () => {
    const r = app.project.db.prepare('SELECT polygon, baseline FROM lines WHERE id = ?').get(lineId) as {
      polygon: string;
      baseline: string;
    };
    return { polygon: JSON.parse(r.polygon) as Point[], baseline: JSON.parse(r.baseline) as Point[] };
  };
  const history = () =>
    (app.project.db.prepare('SELECT count(*) AS n FROM line_geometry_history WHERE line_id = ?').get(lineId) as { n: number }).n;
  const status = page.getByTestId('page-status');
  /** Runs a mouse action and waits until the shape is saved (a new history row) and the canvas redrawn. */
  const edited = async (action: (at: (x: number, y: number) => [number, number]) => Promise<void>) => {
    const before = history();
    await action(await pagePoint(page));
    for (let i = 0; i < 300 && history() === before; i++) await page.waitForTimeout(50);
    assert.equal(history(), before + 1, `saved: ${await status.innerText()}`);
    // The canvas shows the saved shape (its handles are where the next action aims).
    const saved = shape();
    await page.waitForFunction(
      (s) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.selectedShape === s,
      JSON.stringify([saved.polygon, saved.baseline]),
    );
    await status.getByText('Line shape saved').waitFor();
    assert.deepEqual(shapeProblems(saved), []);
    return saved;
  };
  const drag = async (at: (x: number, y: number) => [number, number], from: Point, to: Point) => {
    await page.mouse.move(...at(...from));
    await page.mouse.down();
    await page.mouse.move(...at((from[0] + to[0]) / 2, (from[1] + to[1]) / 2), { steps: 3 });
    await page.mouse.move(...at(...to), { steps: 3 });
    await page.mouse.up();
  };
  const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const start = shape();
  assert.equal(start.polygon.length, 4);

  // A polygon point: click the small handle halfway along the bottom edge, drag it down, remove it.
  const [, , c, d] = start.polygon;
  let s = await edited((at) => page.mouse.click(...at(...mid(c, d))));
  assert.equal(s.polygon.length, 5);
  assert.deepEqual(s.polygon[3], mid(c, d).map(Math.round));
  const added = s.polygon[3];
  s = await edited((at) => drag(at, added, [added[0], added[1] + 12]));
  assert.ok(Math.abs(s.polygon[3][1] - (added[1] + 12)) <= 1, `moved to ${s.polygon[3]}`);
  await page.screenshot({ path: join(ARTIFACTS, 'line-shapes-point-added.png') });
  s = await edited((at) => page.mouse.dblclick(...at(...s.polygon[3])));
  assert.deepEqual(s.polygon, start.polygon);

  // Baseline: add a point in the middle, move it up, remove it.
  const [b0, b1] = s.baseline;
  s = await edited((at) => page.mouse.click(...at(...mid(b0, b1))));
  assert.equal(s.baseline.length, 3);
  s = await edited((at) => drag(at, s.baseline[1], [s.baseline[1][0], s.baseline[1][1] - 6]));
  assert.ok(Math.abs(s.baseline[1][1] - (Math.round(mid(b0, b1)[1]) - 6)) <= 1);
  s = await edited((at) => page.mouse.dblclick(...at(...s.baseline[1])));
  assert.deepEqual(s.baseline, start.baseline);

  // Dragged far below the line, a baseline point stops on the polygon's outline, and the status says so.
  const bottom = Math.max(...start.polygon.map((p) => p[1]));
  s = await edited((at) => drag(at, s.baseline[0], [s.baseline[0][0], bottom + 60]));
  assert.match(await status.innerText(), /baseline was kept inside/);
  assert.ok(s.baseline[0][1] <= bottom + 1);
  // The whole baseline dragged up a little.
  const before = s.baseline;
  const grab = mid(before[0], before[1]);
  s = await edited((at) => drag(at, [grab[0] + 40, grab[1]], [grab[0] + 40, grab[1] - 8]));
  assert.ok(
    s.baseline.every((p, i) => Math.abs(p[1] - (before[i][1] - 8)) <= 2),
    `${JSON.stringify(before)} → ${JSON.stringify(s.baseline)}`,
  );

  // The bottom-right corner dragged above the baseline takes the baseline's end along.
  const corner = s.polygon[2];
  const endBefore = s.baseline[1];
  s = await edited((at) => drag(at, corner, [corner[0], endBefore[1] - 10]));
  assert.ok(s.baseline[1][1] <= endBefore[1] - 9, `baseline end ${endBefore} → ${s.baseline[1]}`);
  await page.screenshot({ path: join(ARTIFACTS, 'line-shapes-baseline-kept-inside.png') });

  // A corner dragged across the opposite edge would make the polygon cross itself: refused, nothing saved.
  const count = history();
  const shapeBefore = shape();
  const [p0, , , p3] = shapeBefore.polygon;
  await drag(await pagePoint(page), p0, [p0[0], p3[1] + 30]);
  await status.getByText(/Shape not changed: the polygon would cross itself/).waitFor();
  assert.equal(history(), count);
  assert.deepEqual(shape(), shapeBefore);
});

test('the keyboard edits points too: ] and [ choose, arrows move, Enter saves, I adds, Backspace removes', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture());
  const lineId = Number((await page.getByTestId('line-image').getAttribute('src'))!.match(/line-image\/(\d+)/)![1]);
  const shape = () => {
    const r = app.project.db.prepare('SELECT polygon, baseline FROM lines WHERE id = ?').get(lineId) as {
      polygon: string;
      baseline: string;
    };
    return { polygon: JSON.parse(r.polygon) as Point[], baseline: JSON.parse(r.baseline) as Point[] };
  };
  const shown = (s: { polygon: Point[]; baseline: Point[] }) =>
    page.waitForFunction(
      (want) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.selectedShape === want,
      JSON.stringify([s.polygon, s.baseline]),
    );
  const history = () =>
    (app.project.db.prepare('SELECT count(*) AS n FROM line_geometry_history WHERE line_id = ?').get(lineId) as { n: number }).n;
  let edits = history();
  /** Waits for the next saved edit and checks it. */
  const saved = async (check: (s: ReturnType<typeof shape>) => boolean) => {
    for (let i = 0; i < 300 && history() === edits; i++) await page.waitForTimeout(50);
    edits = history();
    assert.ok(
      check(shape()),
      `${JSON.stringify(shape())} status: ${await page.getByTestId('page-status').innerText()} focus: ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`,
    );
    await shown(shape());
    assert.deepEqual(shapeProblems(shape()), []);
  };
  const start = shape();
  await page.getByTestId('line-text').press('Escape');
  // The first polygon point, 10 + 1 pixels up, saved with Enter.
  await page.keyboard.press(']');
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(shape(), start, 'nothing saved before Enter');
  await page.keyboard.press('Enter');
  await saved((s) => s.polygon[0][1] === start.polygon[0][1] - 11);
  await page.screenshot({ path: join(ARTIFACTS, 'line-shapes-keyboard.png') });
  // A point added after it, then removed again.
  await page.keyboard.press('i');
  await saved((s) => s.polygon.length === 5);
  await page.keyboard.press('Backspace');
  await saved((s) => s.polygon.length === 4);
  // [ from the start goes round to the baseline's last point; moved down past the outline, it stays inside.
  await page.keyboard.press('[');
  for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Enter');
  const bottom = Math.max(...shape().polygon.map((p) => p[1]));
  await saved((s) => s.baseline[1][1] <= bottom + 1);
  // Esc lets go of the point: the arrows no longer move anything.
  await page.keyboard.press('Escape');
  const before = shape();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
  assert.deepEqual(shape(), before);
});
