// Browser-mode uploads through the server: a document records the name the user chose (the
// staging folder is the server's business), the same file uploaded twice is recognised, and a
// PAGE file sent without its image says to send them together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSummary, ImportReport } from '../../../shared/api.ts';
import { png } from '../../helpers/images.ts';
import { pageXml } from '../../helpers/layout-files.ts';
import { useServedProject } from '../../helpers/served-project.ts';

const served = useServedProject();

const upload = async (query: string, body?: Buffer | string): Promise<Response> =>
  fetch(`${served.base}/upload?${query}`, {
    method: 'POST',
    headers: { 'x-quire-token': served.token },
    body: body === undefined ? undefined : new Uint8Array(Buffer.from(body)),
  });

const documents = async (): Promise<DocumentSummary[]> =>
  (
    await fetch(`${served.base}/api/listDocuments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-quire-token': served.token },
      body: '{}',
    })
  ).json();

test('an uploaded scan records its own name, and the same file uploaded again is already in the project', async () => {
  const scan = await png(60, 40, '#996644');
  const first = (await (await upload('name=portrait.png', scan)).json()) as ImportReport;
  assert.equal(first.imported[0]?.file, 'portrait.png');
  const doc = (await documents()).find((d) => d.name === 'portrait');
  assert.equal(doc?.sourceFile, 'portrait.png');
  const again = (await (await upload('name=portrait.png', scan)).json()) as ImportReport;
  assert.deepEqual(again.imported, []);
  assert.deepEqual(again.duplicates, [
    { file: 'portrait.png', reason: 'already in the project as document "portrait" (from portrait.png)' },
  ]);
});

test('a PAGE file and its image uploaded as one batch record the XML’s name', async () => {
  await upload('name=folio-3.xml&batch=names0000001', pageXml({ image: 'folio-3.png', width: 60, height: 40 }));
  await upload('name=folio-3.png&batch=names0000001', await png(60, 40));
  const report = (await (await upload('batch=names0000001&done=1')).json()) as ImportReport;
  assert.deepEqual(report.failed, []);
  assert.equal((await documents()).find((d) => d.name === 'folio-3')?.sourceFile, 'folio-3.xml');
});

test('a PAGE file uploaded without its image says to select or drop the image together with the XML', async () => {
  await upload('name=page-1.xml&batch=names0000002', pageXml({ image: 'page-1.jpg', width: 60, height: 40 }));
  const report = (await (await upload('batch=names0000002&done=1')).json()) as ImportReport;
  assert.deepEqual(report.failed, [
    {
      file: 'page-1.xml',
      reason: 'page image "page-1.jpg" was not uploaded: select or drop the image page-1.jpg together with the XML',
    },
  ]);
});
