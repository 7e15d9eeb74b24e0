// The service methods that edit a page, each recorded in the undo history (line and region
// edits alike), and undo and redo themselves. Windows learn of a changed history through 'history-changed'. The edits are store-neutral
// programs (main/db/ops.ts) run by `run`: on a project folder's database, or on a team
// server's PostgreSQL store (server-store-api.ts), where each account has its own history
// and finding lines on whole pages is a queue job (main/queue), in one region served here.
import type { EventSink, ProjectApi } from '../../shared/api.ts';
import { lines } from '../db/lines.ts';
import type { Runner } from '../db/ops.ts';
import { regions } from '../db/regions.ts';
import type { UndoHistories } from '../edits/undo-stack.ts';
import { lineEdits } from '../layout/line-edits.ts';
import { regionEdits } from '../layout/regions.ts';
import { segmentPages, segmentRegion } from '../layout/segment-pages.ts';
import { resolveProjectSegmenter } from '../layout/project-segmenters.ts';
import { resolveSegmenter } from '../layout/segmenters.ts';
import type { Project } from '../project/project.ts';
import { filesStore, folderStore } from '../project/project-store.ts';
import { pageOps } from './pages.ts';

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

/**
 * Where the edits run: `run` on the project's store; `project`, the folder, where there is one
 * (finding lines on whole pages needs it: on a server store that is a queue job); `files`, the
 * server store's folder of files, where finding lines in one region reads the page and the
 * project's segmenters.
 */
export interface EditStore {
  run: Runner;
  project?: Project;
  files?: string;
}

/** Every method but undoState waits for the project's edits before it (see serial.ts). */
export function editMethods(store: EditStore, histories: UndoHistories, emit: EventSink): EditMethods {
  const methods = unqueuedMethods(store, histories, emit);
  const queued = Object.entries(methods).map(([name, method]) => [
    name,
    name === 'undoState' ? method : (request: never) => histories.queue.run(() => (method as (r: never) => unknown)(request)),
  ]);
  return Object.fromEntries(queued) as EditMethods;
}

function unqueuedMethods({ run, project, files }: EditStore, histories: UndoHistories, emit: EventSink): EditMethods {
  const where = async (lineId: number) => {
    const row = await run(lines.linePlace(lineId));
    if (!row) throw new Error(`no line ${lineId}`);
    return { pageId: row.page_id, name: `line ${row.reading_order + 1}` };
  };
  const changed = () => emit({ type: 'history-changed', ...histories.of().state() });
  async function record<T>(label: string, pageIds: number[], edit: () => T | Promise<T>): Promise<T> {
    try {
      return await histories.of().record(run, label, pageIds, edit);
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
      histories.forget(pageIds);
      changed();
      emit({ type: 'project-changed' });
    }
  }
  const regionPage = async (regionId: number) => {
    const pageId = await run(regions.regionPage(regionId));
    if (pageId === undefined) throw new Error(`no region ${regionId}`);
    return pageId;
  };
  /** A region's page and its name in undo labels, as a line's: by its place in the page's order. */
  const region = async (regionId: number) => {
    const row = await run(regions.regionRow(regionId));
    if (!row) throw new Error(`no region ${regionId}`);
    return { pageId: row.page_id, name: `region ${row.reading_order + 1}` };
  };
  /**
   * A region edit, recorded. It also tells the windows the project changed: excluding a region,
   * or deleting an excluded one, changes which lines count (the documents' counts).
   */
  async function regionEdit<T>(label: string, pageId: number, edit: () => T | Promise<T>): Promise<T> {
    try {
      return await record(label, [pageId], edit);
    } finally {
      emit({ type: 'project-changed' });
    }
  }
  const folder = (method: string) => {
    if (!project) throw new Error(`${method} needs a project folder`);
    return project;
  };
  /** The project's pages and segmenters: its folder, or the server store's folder of files. */
  const pageStore = (method: string) => (files !== undefined && !project ? filesStore(run, files) : folderStore(folder(method)));
  const step = async (action: 'undo' | 'redo') => {
    const history = histories.of();
    try {
      const applied = await run(action === 'undo' ? history.undo() : history.redo());
      if (applied) emit({ type: 'project-changed' });
      return { applied, ...history.state() };
    } finally {
      changed();
    }
  };
  const pagesOf = async (lineIds: number[]) => {
    const pages: number[] = [];
    for (const id of lineIds) pages.push((await where(id)).pageId);
    return pages;
  };
  return {
    async saveTranscription({ lineId, text, author }) {
      const line = await where(lineId);
      const row = await record(`text of ${line.name}`, [line.pageId], () => run(pageOps.savedTranscription(lineId, text, author)));
      emit({ type: 'line-saved', lineId, text: row.text });
      return row;
    },

    async updateLineGeometry({ lineId, polygon, baseline }) {
      const line = await where(lineId);
      await record(`shape of ${line.name}`, [line.pageId], () => run(lineEdits.updateLineGeometry(lineId, polygon, baseline)));
      return { ok: true as const };
    },

    async addLine({ pageId, polygon, baseline }) {
      return { lineId: await record('drawn line', [pageId], () => run(lineEdits.addLine(pageId, polygon, baseline))) };
    },

    async deleteLine({ lineId, confirmed }) {
      const line = await where(lineId);
      await record(`deletion of ${line.name}`, [line.pageId], () => run(lineEdits.deleteLine(lineId, confirmed)));
      return { ok: true as const };
    },

    async mergeLines({ lineIds }) {
      const pages = await pagesOf(lineIds);
      return { lineId: await record(`merge of ${lineIds.length} lines`, pages, () => run(lineEdits.mergeLines(lineIds))) };
    },

    async splitLine({ lineId, x, texts }) {
      const line = await where(lineId);
      return { lineIds: await record(`split of ${line.name}`, [line.pageId], () => run(lineEdits.splitLine(lineId, x, texts))) };
    },

    async moveLine({ lineId, order }) {
      const line = await where(lineId);
      await record(`reading order of ${line.name}`, [line.pageId], () => run(lineEdits.moveLine(lineId, order)));
      return { ok: true as const };
    },

    async setSplit({ lineIds, split }) {
      // A line's split is part of what a step compares and puts back, so changing it is a step too.
      const pages = [...new Set(await pagesOf(lineIds))];
      const edit = () => run(lineEdits.setSplit(lineIds, split));
      const label = lineIds.length === 1 ? `data split of ${(await where(lineIds[0])).name}` : `data split of ${lineIds.length} lines`;
      return { changed: pages.length > MAX_RECORDED_PAGES ? await unrecorded(pages, edit) : await record(label, pages, edit) };
    },

    async segmentPages({ pageIds, segmenter, segmenterFile }) {
      const on = folder('segmentPages');
      const chosen = segmenterFile ? await resolveSegmenter(segmenterFile) : await resolveProjectSegmenter(on, segmenter);
      const find = () =>
        segmentPages(on, pageIds, { segmenter: chosen, onProgress: (done, total) => emit({ type: 'segment-progress', done, total }) });
      if (pageIds.length > MAX_RECORDED_PAGES) return unrecorded(pageIds, find);
      try {
        return await record('finding lines', pageIds, find);
      } finally {
        emit({ type: 'project-changed' }); // pages done before a failure have changed too
      }
    },

    async segmentRegion({ regionId, segmenter }) {
      // One page's worth of work, so it runs here, not as a queue job, on either store.
      const on = pageStore('segmentRegion');
      const pageId = await regionPage(regionId);
      const chosen = await resolveProjectSegmenter(on, segmenter);
      const report = await record('finding lines in a region', [pageId], () => segmentRegion(on, regionId, { segmenter: chosen }));
      emit({ type: 'project-changed' });
      return report;
    },

    async addRegion({ pageId, polygon, type }) {
      return { regionId: await regionEdit('drawn region', pageId, () => run(regionEdits.addRegion(pageId, polygon, type))) };
    },

    async updateRegion({ regionId, type, excluded }) {
      const r = await region(regionId);
      const what = [type !== undefined && 'type', excluded !== undefined && (excluded ? 'exclusion' : 'inclusion')].filter(Boolean);
      await regionEdit(`${what.join(' and ') || 'change'} of ${r.name}`, r.pageId, () =>
        run(regionEdits.updateRegion(regionId, { type, excluded })),
      );
      return { ok: true as const };
    },

    async deleteRegion({ regionId }) {
      const r = await region(regionId);
      await regionEdit(`deletion of ${r.name}`, r.pageId, () => run(regionEdits.deleteRegion(regionId)));
      return { ok: true as const };
    },

    async moveRegion({ regionId, order }) {
      const r = await region(regionId);
      await regionEdit(`reading order of ${r.name}`, r.pageId, () => run(regionEdits.moveRegion(regionId, order)));
      return { ok: true as const };
    },

    async sortRegionLines({ regionId }) {
      const r = await region(regionId);
      await regionEdit(`line order of ${r.name}`, r.pageId, () => run(regionEdits.sortRegionLines(regionId)));
      return { ok: true as const };
    },

    async undo() {
      return step('undo');
    },

    async redo() {
      return step('redo');
    },

    async undoState() {
      return histories.of().state();
    },
  };
}
