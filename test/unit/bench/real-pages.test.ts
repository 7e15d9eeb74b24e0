// loadPage reads a scan stored a quarter turn away (EXIF orientation 5-8) at the size it is
// shown at, which is the size its layout's coordinates refer to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadPage } from '../../../bench/seg/real-pages.ts';

test('loadPage: a scan stored turned (EXIF 6) keeps its shown width and height, and the lines scale with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-real-pages-'));
  try {
    // Stored 60 wide and 80 high; orientation 6 shows it 80 wide and 60 high, like the
    // layout (800 × 600).
    const image = join(dir, 'turned.jpg');
    await sharp({ create: { width: 60, height: 80, channels: 3, background: 'white' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(image);
    const page = await loadPage({ collection: 'c', xml: 'test/fixtures/xml/page-2019.xml', image });
    assert.ok(page);
    assert.deepEqual([page.image.width, page.image.height], [80, 60]);
    assert.equal(page.image.data.length, 80 * 60);
    // The first line's polygon starts at (50, 310) of 800 × 600: a tenth of it here.
    const first = page.lines.flatMap((l) => l.polygon).find(([x, y]) => Math.abs(x - 5) < 1e-9 && Math.abs(y - 31) < 1e-9);
    assert.ok(first, 'a polygon point at (5, 31)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
