// The service methods that edit a page, each recorded in the project's undo history, and
// undo and redo themselves. Region edits are not recorded: they drop the history of their
// page instead. Windows learn of a changed history through 'history-changed'.
import type { EventSink, ProjectApi } from '../../shared/api.ts';
import { linePlace } from '../db/lines.ts';
import { regionPage as regionPageOf } from '../db/regions.ts';
import type { UndoStack } from '../edits/undo-stack.ts';
import { addLine, deleteLine, mergeLines, moveLine, setSplit, splitLine, updateLineGeometry } from '../layout/line-edits.ts';
import { addRegion, deleteRegion, moveRegion, sortRegionLines, updateRegion } from '../layout/regions.ts';
import { segmentPages, segmentRegion } from '../layout/segment-pages.ts';
import { resolveProjectSegmenter } from '../layout/project-segmenters.ts';
import { resolveSegmenter } from '../layout/segmenters.ts';
import type { Project } from '../project/project.ts';
import { saveTranscription } from './pages.ts';

type EditMethods = Pick<
  ProjectApi,
  | 'saveTranscription'
  | 'updateLineGeometry'
  | 'addLine'
  | 'deleteLine'
  | 'mergeLines'
  | 'splitLine'
  | 'moveLine'
  | 'setSplit'
  | 'segmentPages'
  | 'segmentRegion'
  | 'undo'
  | 'redo'
  | 'undoState'
  | 'addRegion'
  | 'updateRegion'
  | 'deleteRegion'
  | 'moveRegion'
  | 'sortRegionLines'
>;

/** Finding lines or setting the split on more pages than this at once is not recorded (and those pages' history is dropped): one step would hold them all. */
const MAX_RECORDED_PAGES = 20;

/** Every method but undoState waits for the project's edits before it (see serial.ts). */
export function editMethods(project: Project, history: UndoStack, emit: EventSink): EditMethods {
  const methods = unqueuedMethods(project, history, emit);
  const queued = Object.entries(methods).map(([name, method]) => [
    name,
    name === 'undoState' ? method : (request: never) => history.queue.run(() => (method as (r: never) => unknown)(request)),
  ]);
  return Object.fromEntries(queued) as EditMethods;
}

function unqueuedMethods(project: Project, history: UndoStack, emit: EventSink): EditMethods {
  const where = (lineId: number) => {
    const row = linePlace(project.db, lineId);
    if (!row) throw new Error(`no line ${lineId}`);
    return { pageId: row.page_id, name: `line ${row.reading_order + 1}` };
  };
  const changed = () => emit({ type: 'history-changed', ...history.state() });
  async function record<T>(label: string, pageIds: number[], edit: () => T | Promise<T>): Promise<T> {
    try {
      return await history.record(project, label, pageIds, edit);
    } finally {
      changed(); // a failed edit may have dropped steps too
    }
  }
  /**
   * An edit the history does not record. Undo and redo rewrite a page's whole reading order
   * and lines as a step left them, so an older step would silently revert this edit: the
   * history of these pages is dropped (even when the edit fails partway, having changed some).
   */
  async function unrecorded<T>(pageIds: number[], edit: () => T | Promise<T>): Promise<T> {
    try {
      return await edit();
    } finally {
      history.forget(pageIds);
      changed();
      emit({ type: 'project-changed' });
    }
  }
  const regionPage = (regionId: number) => {
    const pageId = regionPageOf(project.db, regionId);
    if (pageId === undefined) throw new Error(`no region ${regionId}`);
    return pageId;
  };
  const step = (action: 'undo' | 'redo') => {
    try {
      const applied = action === 'undo' ? history.undo(project) : history.redo(project);
      if (applied) emit({ type: 'project-changed' });
      return { applied, ...history.state() };
    } finally {
      changed();
    }
  };
  return {
    async saveTranscription({ lineId, text, author }) {
      const line = where(lineId);
      const row = await record(`text of ${line.name}`, [line.pageId], () => saveTranscription(project, lineId, text, author));
      emit({ type: 'line-saved', lineId, text: row.text });
      return row;
    },

    async updateLineGeometry({ lineId, polygon, baseline }) {
      const line = where(lineId);
      await record(`shape of ${line.name}`, [line.pageId], () => updateLineGeometry(project, lineId, polygon, baseline));
      return { ok: true as const };
    },

    async addLine({ pageId, polygon, baseline }) {
      return { lineId: await record('drawn line', [pageId], () => addLine(project, pageId, polygon, baseline)) };
    },

    async deleteLine({ lineId, confirmed }) {
      const line = where(lineId);
      await record(`deletion of ${line.name}`, [line.pageId], () => deleteLine(project, lineId, confirmed));
      return { ok: true as const };
    },

    async mergeLines({ lineIds }) {
      const pages = lineIds.map((id) => where(id).pageId);
      return { lineId: await record(`merge of ${lineIds.length} lines`, pages, () => mergeLines(project, lineIds)) };
    },

    async splitLine({ lineId, x, texts }) {
      const line = where(lineId);
      return { lineIds: await record(`split of ${line.name}`, [line.pageId], () => splitLine(project, lineId, x, texts)) };
    },

    async moveLine({ lineId, order }) {
      const line = where(lineId);
      await record(`reading order of ${line.name}`, [line.pageId], () => moveLine(project, lineId, order));
      return { ok: true as const };
    },

    async setSplit({ lineIds, split }) {
      // A line's split is part of what a step compares and puts back, so changing it is a step too.
      const pages = [...new Set(lineIds.map((id) => where(id).pageId))];
      const run = () => setSplit(project, lineIds, split);
      const label = lineIds.length === 1 ? `data split of ${where(lineIds[0]).name}` : `data split of ${lineIds.length} lines`;
      return { changed: pages.length > MAX_RECORDED_PAGES ? await unrecorded(pages, run) : await record(label, pages, run) };
    },

    async segmentPages({ pageIds, segmenter, segmenterFile }) {
      const chosen = segmenterFile ? await resolveSegmenter(segmenterFile) : await resolveProjectSegmenter(project, segmenter);
      const run = () =>
        segmentPages(project, pageIds, { segmenter: chosen, onProgress: (done, total) => emit({ type: 'segment-progress', done, total }) });
      if (pageIds.length > MAX_RECORDED_PAGES) return unrecorded(pageIds, run);
      try {
        return await record('finding lines', pageIds, run);
      } finally {
        emit({ type: 'project-changed' }); // pages done before a failure have changed too
      }
    },

    async segmentRegion({ regionId, segmenter }) {
      const pageId = regionPage(regionId);
      const chosen = await resolveProjectSegmenter(project, segmenter);
      const report = await record('finding lines in a region', [pageId], () => segmentRegion(project, regionId, { segmenter: chosen }));
      emit({ type: 'project-changed' });
      return report;
    },

    async addRegion({ pageId, polygon, type }) {
      return { regionId: await unrecorded([pageId], () => addRegion(project, pageId, polygon, type)) };
    },

    async updateRegion({ regionId, type, excluded }) {
      // A region's type and exclusion are nothing undo puts back (no line, no order): the history stays.
      updateRegion(project, regionId, { type, excluded });
      emit({ type: 'project-changed' });
      return { ok: true as const };
    },

    async deleteRegion({ regionId }) {
      await unrecorded([regionPage(regionId)], () => deleteRegion(project, regionId));
      return { ok: true as const };
    },

    async moveRegion({ regionId, order }) {
      await unrecorded([regionPage(regionId)], () => moveRegion(project, regionId, order));
      return { ok: true as const };
    },

    async sortRegionLines({ regionId }) {
      await unrecorded([regionPage(regionId)], () => sortRegionLines(project, regionId));
      return { ok: true as const };
    },

    async undo() {
      return step('undo');
    },

    async redo() {
      return step('redo');
    },

    async undoState() {
      return history.state();
    },
  };
}
