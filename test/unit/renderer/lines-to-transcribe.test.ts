// The page screen opens on, and Ctrl+↓ goes to, the first unlabeled line outside excluded
// regions: a stamp in an excluded region is never offered for transcription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LineView, RegionView } from '../../../shared/api.ts';
import { firstUnlabeled, linesToTranscribe, lineToShow } from '../../../shared/lines-to-transcribe.ts';

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
