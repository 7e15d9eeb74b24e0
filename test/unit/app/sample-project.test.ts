// `npm start` opens the bundled sample project: page scans already segmented into lines,
// and line images of which two thirds are transcribed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { ensureSampleProject } from '../../../main/app/sample-project.ts';
import { Project } from '../../../main/project/project.ts';
import { tempDir } from '../../helpers/project.ts';

test('the sample project is built once, with its scans segmented', async () => {
  const dir = await ensureSampleProject(join(tempDir(), 'sample'));
  assert.equal(await ensureSampleProject(dir), dir, 'a second start reuses it');
  const project = Project.open(dir);
  const api = createService(project);
  const documents = await api.listDocuments({});
  const scans = documents.filter((d) => d.kind === 'scan');
  assert.equal(scans.length, 3);
  assert.deepEqual(
    scans.map((d) => d.lines),
    [9, 9, 9],
    'each generated page has nine lines',
  );
  const info = await api.projectInfo({});
  assert.equal(info.labeled, 16);
  project.close();
});
