// Which copy of a scan the page view shows (shared/image-levels.ts), and that the server's
// copies have the widths the renderer expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { chooseLevel, levelWidth, PREVIEW_LEVELS } from '../../../shared/image-levels.ts';
import { ensurePreview } from '../../../main/images/preview.ts';
import { importFiles } from '../../../main/import/import-images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { join } from 'node:path';

const scan = { width: 6000, height: 8000 };

test('the smallest copy with enough device pixels, else the scan', () => {
  assert.deepEqual(
    PREVIEW_LEVELS.map((l) => levelWidth(scan, l.variant)),
    [900, 1800, 3600],
  );
  // Fit-width in a 900 px wide canvas: at device pixel ratio 1 the small copy is enough,
  // at 2 (1800 device pixels) the 2400 copy, at 3 the 4800 one.
  assert.equal(chooseLevel(scan, 900), 'preview-small');
  assert.equal(chooseLevel(scan, 1800), 'preview');
  assert.equal(chooseLevel(scan, 2700), 'preview-large');
  // Zoomed in past the largest copy: the scan itself.
  assert.equal(chooseLevel(scan, 3601), 'page');
  // A scan smaller than a copy's size is never copied at its own size: the scan is shown.
  assert.equal(chooseLevel({ width: 1000, height: 1400 }, 800), 'preview-small');
  assert.equal(chooseLevel({ width: 1000, height: 1400 }, 900), 'page');
  assert.equal(chooseLevel({ width: 800, height: 600 }, 100), 'page');
});

test('the server makes each copy at the width levelWidth says, once', async () => {
  const project = newProject();
  const file = join(tempDir(), 'tall.png');
  await sharp({ create: { width: 1500, height: 2600, channels: 3, background: '#eee4cf' } })
    .png()
    .toFile(file);
  await importFiles(project, [file]);
  const hash = (project.db.prepare('SELECT image_hash AS h FROM pages').get() as { h: string }).h;
  for (const { variant } of PREVIEW_LEVELS) {
    const [a, b] = await Promise.all([ensurePreview(project.images, hash, variant), ensurePreview(project.images, hash, variant)]);
    assert.equal(a, b);
    assert.equal((await sharp(a).metadata()).width, levelWidth({ width: 1500, height: 2600 }, variant), variant);
  }
  project.close();
});
