// Region edits are steps of the undo history like line edits: drawing, retyping, excluding,
// deleting, moving a region and sorting its lines each undo and redo, putting back the
// region (outline, type, source's name, exclusion, by_hand, reading order) and which of the
// page's lines it holds; a deleted region is made again from the step, under a new id when
// its own was handed out meanwhile; one changed outside the history refuses the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertRegions, updateRegion } from '../../../main/layout/regions.ts';
import { addSecondPage, editPage, pageLayout, rect } from '../../helpers/edit-page.ts';

test('drawing, retyping, excluding, moving a region and sorting its lines each undo and redo, in any number', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const b = await add(200);
  const c = await add(500);
  // b before a, so that sorting the region's lines changes something.
  await api.moveLine({ lineId: b, order: 0 });
  const layout = () => pageLayout(project.db, pageId);
  const states = [layout()];
  const labels: string[] = [];
  const step = async (edit: () => Promise<unknown>) => {
    await edit();
    labels.push((await api.undoState({})).undo!);
    states.push(layout());
  };
  let first = 0;
  let second = 0;
  await step(async () => (first = (await api.addRegion({ pageId, polygon: rect(50, 50, 800, 300), type: 'paragraph' })).regionId));
  await step(async () => (second = (await api.addRegion({ pageId, polygon: rect(50, 450, 800, 150), type: 'paragraph' })).regionId));
  await step(() => api.updateRegion({ regionId: second, type: 'marginalia' }));
  await step(() => api.updateRegion({ regionId: first, excluded: true }));
  await step(() => api.moveRegion({ regionId: second, order: 0 }));
  await step(() => api.sortRegionLines({ regionId: first }));
  assert.deepEqual(labels, [
    'drawn region',
    'drawn region',
    'type of region 2',
    'exclusion of region 1',
    'reading order of region 2',
    'line order of region 2',
  ]);
  // Each edit changed the page (else the test would prove nothing).
  for (let i = 1; i < states.length; i++) assert.notDeepEqual(states[i], states[i - 1], labels[i - 1]);
  assert.deepEqual(
    (states.at(-1)!.lines as Array<{ id: number }>).map((l) => l.id),
    [c, a, b],
  );
  for (let i = states.length - 1; i > 0; i--) {
    const { applied } = await api.undo({});
    assert.equal(applied?.label, labels[i - 1]);
    assert.deepEqual(layout(), states[i - 1], `undo of ${labels[i - 1]}`);
  }
  assert.equal((await api.undoState({})).undo, 'reading order of line 2', 'the line edit before them stays in the history');
  for (let i = 1; i < states.length; i++) {
    await api.redo({});
    assert.deepEqual(layout(), states[i], `redo of ${labels[i - 1]}`);
  }
  await api.undo({});
  await api.undo({});
  assert.deepEqual(layout(), states.at(-3));
});

test('undoing a deleted region makes it again as it was, with its lines in it, in its place', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const b = await add(500);
  const [top, notes] = insertRegions(project.db, pageId, [
    { type: 'paragraph', polygon: rect(50, 50, 800, 300) },
    { type: 'marginalia', label: 'MarginTextZone', polygon: rect(50, 450, 800, 150), byHand: false },
  ]);
  project.db.prepare('UPDATE lines SET region_id = ? WHERE id = ?').run(top, a);
  project.db.prepare('UPDATE lines SET region_id = ? WHERE id = ?').run(notes, b);
  await api.updateRegion({ regionId: notes, excluded: true });
  const before = pageLayout(project.db, pageId);
  await api.deleteRegion({ regionId: top });
  assert.deepEqual((await api.undoState({})).undo, 'deletion of region 1');
  const after = pageLayout(project.db, pageId);
  assert.equal(after.regions.length, 1);
  await api.undo({});
  assert.deepEqual(pageLayout(project.db, pageId), before);
  await api.redo({});
  assert.deepEqual(pageLayout(project.db, pageId), after);
  // The other region too: its source's name, its exclusion and that a segmenter made it come back.
  await api.deleteRegion({ regionId: notes });
  await api.undo({});
  await api.undo({});
  assert.deepEqual(pageLayout(project.db, pageId), before);
});

test('a deleted region whose id was handed out again comes back under a new id, its lines in it, and redo follows it', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const { regionId } = await api.addRegion({ pageId, polygon: rect(50, 50, 800, 300), type: 'heading' });
  await api.deleteRegion({ regionId });
  // Something outside the history adds a region on another page: SQLite gives it the deleted one's id.
  const second = addSecondPage(project.db, pageId);
  const [other] = insertRegions(project.db, second, [{ type: 'paragraph', polygon: rect(0, 0, 1000, 800) }]);
  assert.equal(other, regionId);
  await api.undo({});
  const [back] = (await api.getPage({ pageId })).regions;
  assert.ok(back.id > other);
  assert.equal(back.type, 'heading');
  assert.equal((await api.getPage({ pageId })).lines.find((l) => l.id === a)?.regionId, back.id);
  await api.redo({});
  assert.deepEqual((await api.getPage({ pageId })).regions, []);
  assert.equal((await api.getPage({ pageId: second })).regions[0]?.id, other, "redo deleted the region it made, not the other page's");
  await api.undo({});
  assert.equal((await api.getPage({ pageId })).lines.find((l) => l.id === a)?.regionId, (await api.getPage({ pageId })).regions[0].id);
});

test('a region changed outside the history refuses the step, writing nothing, and drops it', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const { regionId } = await api.addRegion({ pageId, polygon: rect(50, 50, 800, 300), type: 'paragraph' });
  // Another program, or another account, retypes it.
  updateRegion(project, regionId, { type: 'marginalia' });
  const now = pageLayout(project.db, pageId);
  await assert.rejects(api.undo({}), /cannot undo “drawn region”: a region it touched \(id \d+\) on page \d+ has changed since/);
  assert.deepEqual(pageLayout(project.db, pageId), now, 'the region and its line stay as they are');
  assert.equal((await api.getPage({ pageId })).lines.find((l) => l.id === a)?.regionId, regionId);
  assert.deepEqual(await api.undoState({}), { undo: 'drawn line', redo: null });
});
