// End to end, the desktop app's own paths without the Electron binary (helpers/
// desktop-app.ts): the renderer in Chromium talks through the compiled preload and the
// main process's IPC table. Imports by path from native dialogs and by drag-and-drop
// (scans, PAGE with its image, line folders), images through the quire-image: handler,
// transcription, a background job watched through the event stream, an export into a
// chosen folder, projects created and opened with folder dialogs; and no console error on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { SAMPLE_SOURCE } from '../../main/app/sample-project.ts';
import { DIALOGS } from '../../main/transport/ipc-handlers.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { useDesktopApp, type DesktopWindow } from '../helpers/desktop-app.ts';
import { png } from '../helpers/images.ts';
import { pageXml, write } from '../helpers/layout-files.ts';
import { tempDir } from '../helpers/project.ts';

const fixture = useDesktopApp();
const sample = (name: string) => join(SAMPLE_SOURCE, 'pages', name);
let win: DesktopWindow;

async function documentCount(): Promise<number> {
  return (await fixture().host.api().projectInfo({})).documents;
}

test('opens on the project through the preload bridge, with no console error', async () => {
  win = await fixture().open();
  await win.page.getByText('No documents yet').waitFor();
  assert.deepEqual(await win.page.evaluate(() => Object.keys(window.quire!).sort()), ['call', 'choose', 'onEvent', 'pathForFile']);
  assert.equal(await win.page.getByTestId('import-input').count(), 0, 'no upload input in the desktop app');
  assert.deepEqual(win.errors, []);
});

test('imports scans chosen in the native dialog by path; thumbnails come through quire-image:', async () => {
  const { dialogs } = fixture();
  const broken = write(tempDir(), 'broken.png', 'this is not a png');
  dialogs.answer([sample('page-1.jpg'), broken]);
  await win.page.getByTestId('import-files').click();
  const card = win.page.getByTestId('document').filter({ hasText: 'page-1' });
  await card.waitFor();
  assert.equal(dialogs.shown.at(-1)?.title, DIALOGS['import-files'].title);
  assert.match(await win.page.getByRole('alert').innerText(), /broken\.png: not a readable image/);
  const img = card.locator('img');
  await win.page.waitForFunction(
    (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
    await img.elementHandle(),
  );
  assert.match((await img.getAttribute('src'))!, /^quire-image:\/\/[0-9a-f]{64}\/thumb$/);
  assert.ok(
    win.images.some((i) => i.url.endsWith('/thumb') && i.status === 200),
    JSON.stringify(win.images),
  );
  assert.deepEqual(win.errors, []);
});

test('imports a folder with a PAGE file and its image; an image outside the folder is refused', async () => {
  const { dialogs } = fixture();
  const root = tempDir();
  const folder = join(root, 'parish');
  mkdirSync(folder);
  copyFileSync(new URL('../fixtures/xml/page-2019.xml', import.meta.url), join(folder, 'page-2019.xml'));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#efe6d2' } })
    .png()
    .toFile(join(folder, 'folio-12r.png'));
  // The same checks as for uploads: a PAGE file may not pull in a picture from elsewhere.
  writeFileSync(join(root, 'private.png'), await png(80, 40));
  write(folder, 'sneaky.xml', pageXml({ image: '../private.png', width: 80, height: 40 }));
  const before = await documentCount();
  dialogs.answer([folder]);
  await win.page.getByTestId('import-folder').click();
  await win.page
    .getByRole('alert')
    .getByText(/sneaky\.xml.*outside the imported folder/)
    .waitFor();
  assert.equal(await documentCount(), before + 1);
  assert.equal(dialogs.shown.at(-1)?.title, DIALOGS['import-folder'].title);
  assert.deepEqual(win.errors, []);
});

test('imports a folder of line images with their transcriptions', async () => {
  const { dialogs, host } = fixture();
  const lines = join(tempDir(), 'margin-notes');
  mkdirSync(lines);
  writeFileSync(join(lines, 'a.png'), await png(120, 30, '#eee'));
  writeFileSync(join(lines, 'a.gt.txt'), 'the first line');
  writeFileSync(join(lines, 'b.png'), await png(120, 30, '#ddd'));
  const labeled = (await host.api().projectInfo({})).labeled;
  dialogs.answer([lines]);
  await win.page.getByTestId('import-lines').click();
  await win.page.getByTestId('document').filter({ hasText: 'margin-notes' }).waitFor();
  assert.equal((await host.api().projectInfo({})).labeled, labeled + 1);
  assert.deepEqual(win.errors, []);
});

test('files dropped on the window import by their paths; a file without one, or a device, is refused', async () => {
  await win.dropPaths({ 'page-2.jpg': sample('page-2.jpg'), 'zero.png': '/dev/zero' });
  await win.page.evaluate(() => {
    const dt = new DataTransfer();
    for (const name of ['page-2.jpg', 'zero.png', 'from-memory.png'])
      dt.items.add(new File([new Uint8Array([1, 2, 3])], name, { type: 'image/png' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await win.page.getByTestId('document').filter({ hasText: 'page-2' }).waitFor();
  const alert = await win.page.getByRole('alert').innerText();
  assert.match(alert, /from-memory\.png: has no path on disk/);
  assert.match(alert, /\/dev\/zero: not a regular file/);
  assert.deepEqual(win.errors, []);
});

test('a page opens with its scan and line images through quire-image:, and a line is transcribed', async () => {
  const { host } = fixture();
  await win.page.getByTestId('document').filter({ hasText: 'page-2019' }).click();
  await win.page.getByTestId('page').first().click();
  const field = win.page.getByTestId('line-text');
  await field.waitFor();
  await win.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await win.page.keyboard.press('Control+A');
  await win.page.keyboard.type('Item paid for candles 3d');
  await win.page.keyboard.press('Enter');
  const hits = async () => host.api().search({ query: 'candles' });
  for (let i = 0; i < 50 && (await hits()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await hits())[0]?.text, 'Item paid for candles 3d');
  assert.ok(
    win.images.some((i) => /\/(page|preview(-small|-large)?)$/.test(i.url) && i.status === 200),
    'the scan came through quire-image:',
  );
  assert.ok(
    win.images.some((i) => /^quire-image:\/\/line\/\d+\?crop=[0-9a-f]{16}$/.test(i.url) && i.status === 200),
    'a line image came through quire-image:',
  );
  await win.page.screenshot({ path: join(ARTIFACTS, 'desktop-transcribe.png') });
  assert.deepEqual(win.errors, []);
});

test('a transcription job starts from the Training panel and is watched to its end through the event stream', async () => {
  const { host } = fixture();
  await win.page.getByTestId('open-training').click();
  await win.page.getByTestId('add-base-model').click();
  await win.page.getByTestId('models').getByText('Quire base model').waitFor();
  await win.page.getByTestId('job-kind').selectOption('transcribe');
  await win.page.getByTestId('start-job').click();
  // The panel shows "done" only after the job-changed event reached it.
  await win.page.getByTestId('jobs').getByText('done').waitFor({ timeout: 120_000 });
  const [job] = await host.api().listJobs({});
  assert.equal(job.state, 'done');
  const ended = () => win.delivered.some((e) => e.type === 'job-changed' && e.jobId === job.id && e.state === 'done');
  for (let i = 0; i < 50 && !ended(); i++) await new Promise((r) => setTimeout(r, 100));
  const seen = win.delivered.filter(
    (e) => (e.type === 'job-progress' && e.progress.jobId === job.id) || (e.type === 'job-changed' && e.jobId === job.id),
  );
  assert.ok(
    seen.some((e) => e.type === 'job-progress'),
    'progress reached the window',
  );
  assert.ok(
    seen.some((e) => e.type === 'job-changed' && e.state === 'done'),
    'the end reached the window',
  );
  assert.ok((await host.api().reviewLines({ limit: 100 })).length > 0, 'the job wrote readings');
  assert.deepEqual(win.errors, []);
});

test('export: the project goes as PAGE XML into a new folder inside the one chosen in the native dialog; the header holds at 1024 px', async () => {
  const { dialogs, host } = fixture();
  const chosen = tempDir();
  await win.page.getByTestId('export-open').click();
  await win.page.getByTestId('export-format-page').check();
  dialogs.answer([]);
  await win.page.getByTestId('export-run').click();
  assert.equal(dialogs.shown.at(-1)?.title, DIALOGS['export-folder'].title);
  assert.deepEqual(readdirSync(chosen), [], 'a cancelled dialog writes nothing');
  dialogs.answer([chosen]);
  await win.page.getByTestId('export-run').click();
  await win.page.getByTestId('export-result').getByText('written to').waitFor();
  const [folder] = readdirSync(chosen);
  assert.match(
    folder,
    new RegExp(`^${host.project.name}-page-\\d{4}-\\d\\d-\\d\\d-\\d{6}$`),
    'named with the time, so a second export never meets it',
  );
  const out = join(chosen, folder);
  assert.match(await win.page.getByTestId('export-result').innerText(), new RegExp(`written to ${out}$`));
  const files = readdirSync(out);
  assert.ok(files.some((f) => f.endsWith('.xml')) && files.some((f) => f.endsWith('.png')), files.join(', '));
  assert.match(await win.page.getByTestId('export-result').innerText(), new RegExp(`^${files.length} files written`));
  await win.page.getByTestId('export-open').click();
  await win.page.setViewportSize({ width: 1024, height: 800 });
  for (const id of ['import-files', 'import-folder', 'import-lines', 'export-open']) {
    const box = (await win.page.getByTestId(id).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 1024, `${id} inside a 1024 px window: ${JSON.stringify(box)}`);
  }
  await win.page.screenshot({ path: join(ARTIFACTS, 'desktop-header-1024.png') });
  await win.page.setViewportSize({ width: 1400, height: 900 });
  assert.deepEqual(win.errors, []);
});

test('projects are created and opened with native folder dialogs; a cancelled dialog changes nothing', async () => {
  const { dialogs, host } = fixture();
  const first = host.project.root;
  const created = join(tempDir(), 'mill-accounts');
  const menu = win.page.getByTestId('project-menu');
  dialogs.answer([]);
  await menu.click();
  await win.page.getByTestId('project-create').click();
  assert.equal(host.project.root, first);
  dialogs.answer([created]);
  await win.page.getByTestId('project-create').click();
  await menu.getByText('mill-accounts').waitFor();
  assert.equal(host.project.root, created);
  assert.equal(dialogs.shown.at(-1)?.title, DIALOGS['create-project'].title);
  await win.page.getByText('No documents yet').waitFor();
  dialogs.answer([first]);
  await menu.click();
  await win.page.getByTestId('project-open').click();
  await menu.getByText('project').waitFor();
  assert.equal(host.project.root, first);
  assert.deepEqual(win.errors, []);
  await win.close();
});

test('the window enforces its CSP: an injected inline script does not run, and the console check sees it', async () => {
  const other = await fixture().open();
  await other.page.getByTestId('project-menu').waitFor();
  const ran = await other.page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
    await new Promise((r) => setTimeout(r, 100));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  assert.equal(ran, false);
  assert.ok(
    other.errors.some((e) => /Content Security Policy/i.test(e)),
    `errors: ${JSON.stringify(other.errors)}`,
  );
  await other.close();
});
