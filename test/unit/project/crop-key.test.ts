// The line image URL's crop key follows everything the crop's pixels depend on: a reshaped,
// merged or split line gets a new key, the same shape on another page's pixels another one,
// and a stale key is refused rather than answered with the current pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { lineImagePng, StaleCrop } from '../../../main/project/line-images.ts';
import { blankPage } from '../../helpers/blank-page.ts';

type P = Array<[number, number]>;
const rect = (x: number, y: number, w: number, h: number): P => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

test('the crop key changes with reshape, merge and split, and differs between pages of other pixels', async () => {
  const { project, api, pageId } = await blankPage('#c8b89a');
  const a = (
    await api.addLine({
      pageId,
      polygon: rect(100, 100, 600, 40),
      baseline: [
        [100, 132],
        [700, 132],
      ],
    })
  ).lineId;
  const b = (
    await api.addLine({
      pageId,
      polygon: rect(100, 160, 600, 40),
      baseline: [
        [100, 192],
        [700, 192],
      ],
    })
  ).lineId;
  const keyOf = async (id: number) => (await api.getPage({ pageId })).lines.find((l) => l.id === id)!.cropKey;
  const keys = [await keyOf(a)];
  assert.notEqual(await keyOf(b), keys[0], 'two shapes, two keys');
  assert.ok((await lineImagePng(project, a, keys[0])).length > 0, 'the current key is served');

  await api.updateLineGeometry({
    lineId: a,
    polygon: rect(100, 96, 620, 48),
    baseline: [
      [100, 132],
      [700, 132],
    ],
  });
  keys.push(await keyOf(a));
  await assert.rejects(lineImagePng(project, a, keys[0]), StaleCrop, "the old shape's URL is not answered with the new pixels");
  await api.mergeLines({ lineIds: [a, b] });
  keys.push(await keyOf(a));
  await api.splitLine({ lineId: a, x: 400 });
  keys.push(await keyOf(a));
  assert.equal(new Set(keys).size, keys.length, `every shape its own key: ${keys.join(' ')}`);
  const png1 = await lineImagePng(project, a, keys[3]);
  assert.equal((await sharp(png1).metadata()).width, 300, "the split line's crop is its left part");

  // The same line id and shape in another project, on other pixels: another key.
  const other = await blankPage('#405060');
  const c = (await other.api.addLine({ pageId: other.pageId, polygon: rect(100, 96, 620, 48), baseline: null })).lineId;
  const otherKey = (await other.api.getPage({ pageId: other.pageId })).lines[0].cropKey;
  assert.equal(c, a);
  assert.notEqual(otherKey, keys[1]);
  await assert.rejects(lineImagePng(other.project, c, keys[1]), StaleCrop);
  project.close();
  other.project.close();
});

test('review and suggestions carry the crop key of the line as it is', async () => {
  const { project, api, pageId } = await blankPage('#c8b89a');
  const a = (await api.addLine({ pageId, polygon: rect(100, 100, 600, 40), baseline: null })).lineId;
  project.db.prepare("INSERT INTO models (name, kind, config, weights_hash) VALUES ('m', 'finetune', '{}', 'x')").run();
  project.db
    .prepare("INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, 'abc', 0.5, '[0.5,0.6,0.7]')")
    .run(a);
  const [review] = await api.reviewLines({ limit: 10 });
  assert.equal(review.cropKey, (await api.getPage({ pageId })).lines[0].cropKey);
  project.close();
});
