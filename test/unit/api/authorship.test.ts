// Every edit names its author (issue #21): a server account's calls record its name on the
// transcription, the replaced shape, the removed and the restored line, and the undo step;
// the desktop's calls (no account) record the owner, 'me'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDispatcher } from '../../../main/api/dispatch.ts';
import { editPage, rect } from '../../helpers/edit-page.ts';

const ana = { name: 'ana', role: 'transcriber' } as const;
const ben = { name: 'ben', role: 'transcriber' } as const;

test('a server account is the author of its reshapes, removals, restorations and undo steps; the desktop is "me"', async () => {
  const { project, api, add } = await editPage();
  const d = createDispatcher(api);
  const [a, b] = [await add(100), await add(200)];
  const ok = async (method: string, request: unknown, caller?: typeof ana | typeof ben) => {
    const r = await d.call(method, request, caller);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };
  await ok('updateLineGeometry', { lineId: a, polygon: rect(100, 90, 600, 40), baseline: null }, ana);
  await ok('updateLineGeometry', { lineId: a, polygon: rect(100, 95, 600, 40), baseline: null });
  await ok('saveTranscription', { lineId: b, text: 'desktop text' });
  await ok('deleteLine', { lineId: b, confirmed: true }, ana);
  await ok('undo', {}, ben); // ben puts back the line ana removed

  const q = (sql: string) => project.db.prepare(sql).all();
  assert.deepEqual(q(`SELECT author FROM line_geometry_history WHERE line_id = ${a} ORDER BY id`), [{ author: 'ana' }, { author: 'me' }]);
  assert.deepEqual(q(`SELECT deleted_by, restored_by FROM deleted_lines`), [{ deleted_by: 'ana', restored_by: 'ben' }]);
  assert.deepEqual(q(`SELECT action, label, author FROM undo_log`), [{ action: 'undo', label: 'deletion of line 2', author: 'ben' }]);
  assert.deepEqual(
    (await api.lineHistory({ lineId: b })).map((r) => [r.author, r.text]),
    [['me', 'desktop text']],
  );
  project.close();
});

test('a transcriber is refused a reviewer method before it runs, in the API error shape', async () => {
  const { project, api } = await editPage();
  const d = createDispatcher(api);
  const r = await d.call('setSplit', { lineIds: [1], split: 'test' }, ana);
  assert.deepEqual(r, {
    ok: false,
    error: { code: 'forbidden', name: 'Forbidden', message: 'setSplit needs the reviewer role (you are a transcriber)' },
  });
  const owner = await d.call('listDocuments', {});
  assert.ok(owner.ok, 'the owner (desktop, CLI) may call everything');
  project.close();
});
