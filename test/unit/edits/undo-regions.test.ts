// Undo and redo on pages with text regions: undoing Find lines brings back the regions it
// dropped and the lines rejoin them; a line restored from the archive outside such a step
// joins its region, or the one that holds it now, or none; a failing step never blocks the
// history; region edits are steps of their own (undo-region-edits.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../../main/api/service.ts';
import { archiveAndDelete, restoreArchivedLine } from '../../../main/layout/line-archive.ts';
import { insertRegions } from '../../../main/layout/regions.ts';
import { addSecondPage, editPage, rect } from '../../helpers/edit-page.ts';

const regionOf = (api: Awaited<ReturnType<typeof editPage>>['api'], pageId: number) => async (lineId: number) =>
  (await api.getPage({ pageId })).lines.find((l) => l.id === lineId)?.regionId;

test('undo brings back a deleted line whose region re-segmentation removed since: undoing that brought the region back, so it rejoins it', async () => {
  const { project, api, pageId, add, order } = await editPage();
  const a = await add(100);
  const b = await add(160);
  const { regionId } = await api.addRegion({ pageId, polygon: rect(50, 50, 800, 200), type: 'paragraph' });
  // As a segmenter's region (one drawn by hand would stay).
  project.db.prepare('UPDATE regions SET by_hand = 0 WHERE id = ?').run(regionId);
  assert.equal(await regionOf(api, pageId)(a), regionId);
  await api.deleteLine({ lineId: a, confirmed: true });
  // The blank page yields no lines and no regions: b is archived and the region deleted.
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  assert.deepEqual(await order(), []);
  assert.equal(project.db.prepare('SELECT 1 FROM regions WHERE id = ?').get(regionId), undefined);
  await api.undo({});
  assert.deepEqual(await order(), [b]);
  // Undoing Find lines puts the page back as it was, its region included (it used to leave
  // the region deleted and b in no region), so the line whose deletion is undone next
  // rejoins its region too (it used to come back in none).
  assert.equal(await regionOf(api, pageId)(b), regionId);
  await api.undo({});
  assert.deepEqual(await order(), [a, b]);
  assert.equal(await regionOf(api, pageId)(a), regionId);
  await api.redo({});
  assert.deepEqual(await order(), [b]);
});

/** A line of a region, archived; restore() puts it back and answers its region now. */
async function archivedInRegion() {
  const { project, pageId, add } = await editPage();
  const a = await add(100);
  const [old] = insertRegions(project.db, pageId, [{ type: 'paragraph', polygon: rect(50, 50, 800, 200) }]);
  project.db.prepare('UPDATE lines SET region_id = ? WHERE id = ?').run(old, a);
  const archive = archiveAndDelete(project, a, 'test');
  const restore = () => {
    const { lineId } = project.db.transaction(() => restoreArchivedLine(project, archive))();
    return (project.db.prepare('SELECT region_id FROM lines WHERE id = ?').get(lineId) as { region_id: number | null }).region_id;
  };
  return { project, pageId, old, restore };
}

test('a restored line whose region is gone joins the region of its page that now holds it', async () => {
  const { project, pageId, old, restore } = await archivedInRegion();
  const [other] = insertRegions(project.db, pageId, [{ type: 'marginalia', polygon: rect(0, 0, 1000, 400) }], 1);
  project.db.prepare('DELETE FROM regions WHERE id = ?').run(old);
  assert.equal(restore(), other);
});

test("a restored line never joins another page's region that took its region's id", async () => {
  const { project, pageId, old, restore } = await archivedInRegion();
  project.db.prepare('DELETE FROM regions WHERE id = ?').run(old);
  const second = addSecondPage(project.db, pageId);
  const [reused] = insertRegions(project.db, second, [{ type: 'paragraph', polygon: rect(0, 0, 1000, 800) }]);
  assert.equal(reused, old, 'SQLite hands the freed id out again');
  assert.equal(restore(), null);
});

test('a step that fails for a reason other than a conflict is dropped: the history goes on', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const b = await add(200);
  await api.deleteLine({ lineId: b, confirmed: true });
  // A broken archive (here: emptied by hand) makes restoring the line fail outright.
  project.db.prepare('DELETE FROM deleted_lines').run();
  await assert.rejects(api.undo({}), /cannot undo “deletion of line 2”: .*no archived line.*dropped/);
  assert.deepEqual(await api.undoState({}), { undo: 'drawn line', redo: null });
  await api.saveTranscription({ lineId: a, text: 'Item' });
  await api.undo({});
  assert.equal((await api.getPage({ pageId })).lines[0].text, null);
});

// Region edits used to be unrecorded: each dropped the older history of its page, so that no
// undo reverted it. They are steps now: the older history stays and undo takes them back,
// the edits telling the windows as before (excluding a region changes the page's counts).
test('a region change is a step of its own: the older history stays under it; each one tells the windows', async () => {
  const { project, pageId, add, order } = await editPage();
  const events: Array<{ type: string }> = [];
  const api = createService(project, (e) => events.push(e));
  const a = await add(100);
  const b = await add(300);
  const { regionId: first } = await api.addRegion({ pageId, polygon: rect(50, 50, 800, 150), type: 'paragraph' });
  const { regionId: second } = await api.addRegion({ pageId, polygon: rect(50, 250, 800, 150), type: 'marginalia' });
  await api.saveTranscription({ lineId: a, text: 'Item' });
  assert.equal((await api.undoState({})).undo, 'text of line 1');
  events.length = 0;
  await api.moveRegion({ regionId: second, order: 0 });
  assert.deepEqual(await order(), [b, a]);
  assert.deepEqual(await api.undoState({}), { undo: 'reading order of region 2', redo: null });
  assert.deepEqual(events.map((e) => e.type).sort(), ['history-changed', 'project-changed']);
  assert.equal((await api.undo({})).applied?.label, 'reading order of region 2');
  assert.deepEqual(await order(), [a, b], 'the region move is undone');
  assert.equal((await api.undoState({})).undo, 'text of line 1', 'the older history is still there');
  for (const change of [
    () => api.sortRegionLines({ regionId: first }),
    () => api.deleteRegion({ regionId: first }),
    () => api.updateRegion({ regionId: second, excluded: true }),
  ]) {
    events.length = 0;
    await change();
    assert.ok(events.some((e) => e.type === 'project-changed'));
    assert.ok(events.some((e) => e.type === 'history-changed'));
  }
});
