// The page canvas's view arithmetic (renderer/src/lib/page-view.ts): fit width, fit page,
// zoom to a line, zoom around a point, and bringing a line into view only when it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPage, fitWidth, MARGIN, reveal, shows, zoomAround, zoomToBox } from '../../../renderer/src/lib/page-view.ts';

const viewport = { width: 800, height: 600 };
const page = { width: 1600, height: 2400 };
const line = (y: number, x = 100, w = 1400, h = 60) => ({ x, y, w, h });

test('fit width, fit page, zoom to a line, zoom around a point', () => {
  assert.deepEqual(fitWidth(viewport, page), { scale: 0.5, x: 0, y: 0 });
  assert.deepEqual(fitPage(viewport, page), { scale: 0.25, x: 200, y: 0 });
  const z = zoomToBox(viewport, line(1000));
  assert.equal(z.scale, (800 - 2 * MARGIN) / 1400);
  assert.equal(z.x + (100 + 700) * z.scale, 400, 'centred across');
  assert.equal(z.y + 1030 * z.scale, 300, 'and down');
  // A short, tall box: a third of the view's height at most.
  assert.equal(zoomToBox(viewport, line(0, 0, 100, 100)).scale, 2);
  const around = zoomAround({ scale: 0.5, x: 0, y: 0 }, 2, { x: 200, y: 100 });
  assert.deepEqual(around, { scale: 1, x: -200, y: -100 }, 'the page point under the pointer stays there');
  assert.equal(zoomAround({ scale: 7, x: 0, y: 0 }, 2, { x: 0, y: 0 }).scale, 8, 'at most 8×');
});

test('a line in view stays put; one out of view is brought in, centred, without zooming', () => {
  const v = fitWidth(viewport, page);
  assert.ok(shows(v, viewport, line(100)));
  assert.deepEqual(reveal(v, viewport, line(100)), v, 'no move for a line already shown');
  // Too close to the bottom edge (within MARGIN) counts as out of view.
  assert.ok(!shows(v, viewport, line(1150)));
  const down = reveal(v, viewport, line(2000));
  assert.equal(down.scale, v.scale);
  assert.equal(down.x, 0, 'the page stays at its width');
  assert.equal(down.y + 2030 * 0.5, 300, 'the line centred');
  assert.ok(shows(down, viewport, line(2000)));
  // Zoomed in past the line's length: its start is put MARGIN from the left edge.
  const zoomed = { scale: 2, x: 0, y: -1800 };
  const across = reveal(zoomed, viewport, line(1000));
  assert.equal(across.x, MARGIN - 100 * 2);
  // A line taller than the view: its top MARGIN below the top.
  const tall = reveal({ scale: 4, x: 0, y: 0 }, viewport, line(1000, 100, 100, 200));
  assert.equal(tall.y, MARGIN - 1000 * 4);
});
