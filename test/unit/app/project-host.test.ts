// Switching projects in a running app: the served table follows the open project, and a
// bad folder leaves the current project open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ProjectHost } from '../../../main/app/project-host.ts';
import { Project } from '../../../main/project/project.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { tempDir } from '../../helpers/project.ts';

test('create and open projects; the API follows; a bad folder changes nothing', async () => {
  const first = join(tempDir(), 'first');
  Project.init(first).close();
  const events: QuireEvent[] = [];
  const host = new ProjectHost(first, (e) => events.push(e));
  const api = host.api();
  assert.equal((await api.projectInfo({})).path, first);
  const second = join(tempDir(), 'second');
  assert.equal((await api.createProject({ path: second })).path, second);
  assert.equal((await api.projectInfo({})).name, 'second');
  assert.deepEqual(events, [{ type: 'project-changed' }]);
  await assert.rejects(api.openProject({ path: tempDir() }), /is not a Quire project/);
  await assert.rejects(api.createProject({ path: first }), /already holds a Quire project/);
  assert.equal((await api.projectInfo({})).path, second, 'still the second project');
  assert.equal((await api.openProject({ path: first })).path, first);
  await host.close();
});
