// End to end: the image beside the text field is always the crop of the current line as it
// is now — after reshaping the line, merging it, splitting it, and after switching to
// another project whose line 1 has the same id. Each time the pixels shown are read back
// from the page and compared with the server's crop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Project } from '../../main/project/project.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { handKeysToLineTools, pagePoint, serverCrop, shownCrop } from '../helpers/page-screen.ts';
import { tempDir } from '../helpers/project.ts';
import { addSynthPages } from '../helpers/synth-project.ts';
import type { Page } from 'playwright-core';

const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [11], { lines: 8 });
});

async function assertShows(page: Page, project: Project, lineId: number, what: string): Promise<void> {
  const expected = await serverCrop(project, lineId);
  // The crop is replaced once loaded; give it the moment it needs, then compare every pixel.
  let shown = await shownCrop(page);
  for (let i = 0; i < 20 && (shown.width !== expected.width || shown.height !== expected.height); i++) {
    await page.waitForTimeout(100);
    shown = await shownCrop(page);
  }
  assert.deepEqual([shown.width, shown.height], [expected.width, expected.height], `${what}: size of the line image shown`);
  const differing = shown.gray.filter((v, i) => Math.abs(v - expected.gray[i]) > 1).length;
  assert.equal(differing, 0, `${what}: ${differing} pixels differ from the server's crop`);
}

test('the line image follows reshape, merge, split and a project switch', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture());
  const first = () =>
    app.project.db.prepare('SELECT id, polygon FROM lines ORDER BY reading_order LIMIT 1').get() as { id: number; polygon: string };
  const lineId = first().id;
  await assertShows(page, app.project, lineId, 'opened');

  // Reshape: drag the first point of the line's polygon 30 page pixels up and 20 left.
  const before = first().polygon;
  const [px, py] = JSON.parse(before)[0] as [number, number];
  const at = await pagePoint(page);
  await page.mouse.move(...at(px, py));
  await page.mouse.down();
  await page.mouse.move(...at(px - 10, py - 15), { steps: 3 });
  await page.mouse.move(...at(px - 20, py - 30), { steps: 3 });
  await page.mouse.up();
  await page.getByTestId('page-status').getByText('Line shape saved').waitFor();
  assert.notEqual(first().polygon, before);
  await assertShows(page, app.project, lineId, 'reshaped');

  // Merge with the next line (M), then split it again in the middle (S and a click).
  await handKeysToLineTools(page);
  await page.keyboard.press('m');
  await page.getByTestId('page-status').getByText('Lines merged').waitFor();
  await assertShows(page, app.project, lineId, 'merged');
  await page.screenshot({ path: join(ARTIFACTS, 'line-image-merged.png') });
  const merged = app.project.db.prepare('SELECT box_x, box_y, box_w, box_h FROM lines WHERE id = ?').get(lineId) as {
    box_x: number;
    box_y: number;
    box_w: number;
    box_h: number;
  };
  await handKeysToLineTools(page);
  await page.keyboard.press('s');
  await page.mouse.click(...(await pagePoint(page))(merged.box_x + merged.box_w / 2, merged.box_y + merged.box_h / 2));
  await page.getByTestId('page-status').getByText('Line split').waitFor();
  await assertShows(page, app.project, lineId, 'split');

  // Another project, whose first line has the same id but other pixels.
  const otherDir = join(tempDir(), 'other-archive');
  const other = Project.init(otherDir);
  await addSynthPages(other, [12], { lines: 6, name: 'other' });
  const otherFirst = (other.db.prepare('SELECT id FROM lines ORDER BY reading_order LIMIT 1').get() as { id: number }).id;
  other.close();
  assert.equal(otherFirst, lineId, "the other project's line 1 has the same id");
  await page.getByRole('button', { name: /←/ }).click();
  await page.getByTestId('project-menu').click();
  await page.getByTestId('project-path').fill(otherDir);
  await page.getByTestId('project-open').click();
  await page.getByTestId('project-menu').getByText('other-archive').waitFor();
  await openFirstPage(page);
  await page.getByTestId('line-text').waitFor();
  await assertShows(page, app.project, otherFirst, 'other project');
  await page.screenshot({ path: join(ARTIFACTS, 'line-image-other-project.png') });
});
