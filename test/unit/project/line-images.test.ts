// The recognizer reads a line cut along its baseline (straight and level, as tall as the
// line), while the transcription panel shows the line's box as it sits on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { lineImagePng, lineImages } from '../../../main/project/line-images.ts';
import { blankPage } from '../../helpers/blank-page.ts';

test('lineImages cuts a tilted line along its baseline; the panel crop stays its box', async () => {
  const { project, api, pageId } = await blankPage('#c8b89a');
  // A line rising 100 px over 600 (about 9.5°), 30 px thick: its box is 130 px tall.
  const tilted = (
    await api.addLine({
      pageId,
      polygon: [
        [100, 300],
        [700, 200],
        [700, 230],
        [100, 330],
      ],
      baseline: [
        [100, 322],
        [700, 222],
      ],
    })
  ).lineId;
  const noBaseline = (
    await api.addLine({
      pageId,
      polygon: [
        [100, 500],
        [700, 400],
        [700, 430],
        [100, 530],
      ],
      baseline: null,
    })
  ).lineId;
  const images = await lineImages(project, [tilted, noBaseline]);
  const straight = images.get(tilted)!;
  assert.ok(straight.height >= 28 && straight.height <= 32, `cut along the baseline: ${straight.height} px tall`);
  assert.ok(Math.abs(straight.width - 608) <= 8, `as long as the line: ${straight.width} px`);
  assert.equal(images.get(noBaseline)!.height, 130, 'no baseline: the box');
  const shown = await sharp(await lineImagePng(project, tilted)).metadata();
  assert.equal(shown.height, 130, 'the panel shows the box');
});
