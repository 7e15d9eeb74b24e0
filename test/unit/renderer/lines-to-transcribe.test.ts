// The page screen opens on, and Ctrl+↓ goes to, the first unlabeled line outside excluded
// regions: a stamp in an excluded region is never offered for transcription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LineView, RegionView } from '../../../shared/api.ts';
import { firstUnlabeled, lineAfterEdit, linesToTranscribe, lineToShow } from '../../../shared/lines-to-transcribe.ts';

const line = (id: number, regionId: number | null, text: string | null) => ({ id, regionId, text }) as LineView;
const region = (id: number, excluded: boolean) => ({ id, excluded }) as RegionView;

test('lines in excluded regions are not there to transcribe', () => {
  const view = {
    regions: [region(1, true), region(2, false)],
    lines: [line(10, 1, null), line(11, 2, 'done'), line(12, null, null), line(13, 2, null)],
  };
  assert.deepEqual(
    linesToTranscribe(view).map((l) => l.id),
    [11, 12, 13],
  );
  assert.equal(firstUnlabeled(view)?.id, 12);
  assert.equal(firstUnlabeled({ regions: [region(1, true)], lines: [line(10, 1, null)] }), undefined);
  assert.equal(firstUnlabeled({ regions: [region(1, false)], lines: [line(10, 1, null)] })?.id, 10);
});

test('the page screen shows the line asked for only while it is on the page', () => {
  const view = { regions: [region(1, true)], lines: [line(10, 1, null), line(11, null, 'done'), line(12, null, null)] };
  assert.equal(lineToShow(view, 11), 11);
  assert.equal(lineToShow(view, 99), 12, 'a removed line gives way to the first line to transcribe');
  assert.equal(lineToShow(view, null), 12);
  assert.equal(lineToShow({ regions: [], lines: [line(11, null, 'done')] }, 99), 11);
  assert.equal(lineToShow({ regions: [], lines: [] }, 99), null);
});

test('after an edit took the selected line, the selection goes to its neighbour, not back to where the page opened', () => {
  const placed = (id: number, x: number, y: number) => ({ id, box: { x, y, w: 400, h: 40 } }) as LineView;
  const page = [placed(5, 100, 100), placed(6, 100, 150), placed(7, 100, 200), placed(8, 100, 250)];
  assert.equal(lineAfterEdit(page, [page[0], page[1], page[3]], 7), 8, 'deleted: the next line');
  assert.equal(lineAfterEdit(page, page.slice(0, 3), 8), 7, 'the last line deleted: the one above');
  // Find lines replaced every untranscribed line: the new line where the old one was.
  const found = [placed(20, 100, 98), placed(21, 100, 152), placed(22, 100, 201), placed(23, 100, 249)];
  assert.equal(lineAfterEdit(page, found, 7), 22);
  assert.equal(lineAfterEdit(page, [], 7), null);
  assert.equal(lineAfterEdit(page, found, 99), null, 'a line the page never had');
  // A line of the neighbour column at the same height is farther than the next line down.
  assert.equal(lineAfterEdit([placed(1, 100, 100)], [placed(2, 700, 100), placed(3, 100, 150)], 1), 3);
});
