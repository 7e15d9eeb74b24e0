// End to end in Chromium: "Find lines" with the bundled trained segmenter on a page with
// marginal notes draws the main text and the notes as regions of their own on the page;
// clicking the notes' label selects that region, which is then excluded from transcription
// and searched for lines on its own; the classical segmenter stays a choice; text typed and
// not saved is saved before Find lines runs again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, useBrowserApp } from '../helpers/browser-app.ts';
import { writeSynthPage } from '../helpers/images.ts';
import { tempDir } from '../helpers/project.ts';
import { importFiles } from '../../main/import/import-images.ts';

const scan = join(tempDir(), 'folio-12r.png');
const fixture = useBrowserApp(async (project) => {
  await writeSynthPage(4, scan, { marginNotes: 4, lines: 16 });
  await importFiles(project, [scan]);
});

test('Find lines with the trained model draws the text block and the marginal notes as regions; a region is excluded and searched on its own', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.server.url);
  await openFirstPage(page);
  assert.equal(await page.getByTestId('segmenter').inputValue(), 'bundled', 'the trained model is the default');
  await page.getByTestId('segment-page').click();
  const status = page.getByTestId('page-status');
  await status.getByText(/lines found/).waitFor({ timeout: 30_000 });
  assert.match(await status.innerText(), /^\d+ lines found in 2 regions \(Trained model \(bundled\)\)$/);

  const canvas = page.getByTestId('page-canvas');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="page-canvas"]')?.dataset.drawnRegions === '2');
  const labels = (await canvas.getAttribute('data-region-labels'))!.split('|');
  assert.deepEqual(labels.map((l) => l.replace(/^\d+ · /, '')).sort(), ['main text', 'marginal note']);
  await page.screenshot({ path: join(ARTIFACTS, 'regions-found.png') });
  // Zooming keeps the labels at their size on screen (they are redrawn only when the regions change).
  for (const button of ['fit-page', 'fit-width']) {
    await page.getByTestId(button).click();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('[data-testid="page-canvas"]')?.dataset.regionLabelScreenScale === '1.000',
    );
  }

  // The notes' label on the page selects their region.
  const pageId = Number(new URL(page.url()).searchParams.get('page') ?? 1);
  const notes = app.project.db.prepare("SELECT id, polygon FROM regions WHERE page_id = ? AND type = 'marginalia'").get(pageId) as {
    id: number;
    polygon: string;
  };
  const [x0, y0] = (JSON.parse(notes.polygon) as Array<[number, number]>).reduce(
    ([ax, ay], [px, py]) => [Math.min(ax, px), Math.min(ay, py)],
    [Infinity, Infinity],
  );
  const box = (await canvas.boundingBox())!;
  const view = await canvas.evaluate((el) => ({ scale: Number(el.dataset.scale), x: Number(el.dataset.x), y: Number(el.dataset.y) }));
  // The label sits just above the region's top left corner.
  await page.mouse.click(box.x + view.x + x0 * view.scale + 8, box.y + view.y + y0 * view.scale - 9);
  assert.equal(await page.getByTestId('region-type').inputValue(), 'marginalia');

  const noteLines = () => (app.project.db.prepare('SELECT count(*) AS n FROM lines WHERE region_id = ?').get(notes.id) as { n: number }).n;
  const before = noteLines();
  assert.equal(before, 4);
  const labeledText = () => page.locator('nav span').first().innerText();
  const total = Number(/\/(\d+) lines labeled/.exec(await labeledText())![1]);
  await page.getByTestId('region-excluded').check();
  await status.getByText('Region excluded from transcription').waitFor();
  assert.equal((app.project.db.prepare('SELECT excluded FROM regions WHERE id = ?').get(notes.id) as { excluded: number }).excluded, 1);
  assert.match((await canvas.getAttribute('data-region-labels')) ?? '', /marginal note \(excluded\)/);
  assert.match(await labeledText(), new RegExp(`^0/${total - before} lines labeled`), 'the excluded lines no longer count');

  // Find lines within the notes' region only, with the classical segmenter chosen.
  await page.getByTestId('segmenter').selectOption('classical');
  await page.getByTestId('region-find-lines').click();
  await status.getByText(/lines found.*Classical/).waitFor({ timeout: 30_000 });
  assert.ok(Math.abs(noteLines() - before) <= 1, `${noteLines()} lines in the notes' region`);
  assert.equal(
    (
      app.project.db.prepare('SELECT count(*) AS n FROM lines WHERE page_id = ? AND region_id IS NOT ?').get(pageId, notes.id) as {
        n: number;
      }
    ).n,
    total - before,
    'the other lines are untouched',
  );
  await page.screenshot({ path: join(ARTIFACTS, 'regions-excluded.png') });
  // The choice is remembered.
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await page.getByTestId('segmenter').waitFor();
  assert.equal(await page.getByTestId('segmenter').inputValue(), 'classical');

  // Text typed on a line and not saved yet is saved before Find lines replaces the page's
  // untranscribed lines, so that line is kept with it.
  await page.getByTestId('line-text').fill('typed but not saved');
  await page.getByTestId('unsaved').waitFor();
  await page.getByTestId('segment-page').click();
  await status.getByText(/1 unsaved line text saved first, so that line was kept/).waitFor({ timeout: 30_000 });
  const kept = app.project.db.prepare("SELECT count(*) AS n FROM current_transcriptions WHERE text = 'typed but not saved'").get() as {
    n: number;
  };
  assert.equal(kept.n, 1);
});
