// The page and line queries behind the annotation screen: a page with its lines, saving a
// transcription (always a new history row, never an update), a line's history, and
// full-text search over the current transcriptions. Each is a store-neutral program
// (main/db/ops.ts, `pageOps`), run here on a project folder's database and by the team
// server on the server store (main/app/server-store-api.ts).
import type { LineView, PageView, RegionView, SearchHit, TranscriptionRow } from '../../shared/api.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { perform } from '../db/execute.ts';
import { lines } from '../db/lines.ts';
import { step, type Program } from '../db/ops.ts';
import { pages } from '../db/pages.ts';
import { regions } from '../db/regions.ts';
import { searchIndexOp } from '../db/search.ts';
import { transcriptions } from '../db/transcriptions.ts';
import { cropKey } from '../project/line-images.ts';

function* pageView(pageId: number): Program<PageView> {
  const page = yield* step(pages.pageSummary(pageId));
  if (!page) throw new Error(`no page ${pageId}`);
  const previousPageId = yield* step(pages.neighbourPage(page.documentId, page.index, 'before'));
  const nextPageId = yield* step(pages.neighbourPage(page.documentId, page.index, 'after'));
  const lineViews: LineView[] = (yield* step(pages.pageLineViews(pageId))).map((r) => ({
    id: r.id,
    order: r.order,
    split: r.split,
    regionId: r.region_id ?? null,
    polygon: JSON.parse(r.polygon),
    baseline: r.baseline ? JSON.parse(r.baseline) : null,
    box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
    cropKey: cropKey(page.image, r.polygon),
    text: r.text ?? null,
    author: r.author ?? null,
    savedAt: r.savedAt ?? null,
    prediction:
      r.modelId == null
        ? null
        : {
            modelId: r.modelId,
            text: r.pText!,
            confidence: r.pConf!,
            charConfidence: JSON.parse(r.pChars!),
          },
  }));
  const { documentName, removedAt, removedBy, ...summary } = page;
  return {
    page: summary,
    documentName,
    documentRemoved: removedAt ? { at: removedAt, by: removedBy ?? '' } : null,
    previousPageId,
    nextPageId,
    lines: lineViews,
    regions: yield* step(regionList(pageId)),
  };
}

function* regionList(pageId: number): Program<RegionView[]> {
  return (yield* step(regions.regionViews(pageId))).map((r) => ({
    ...r,
    type: r.type as RegionView['type'],
    lines: r.lines ?? 0,
    polygon: JSON.parse(r.polygon),
    excluded: !!r.excluded,
  }));
}

const toRow = (r: { id: number; line_id: number; text: string; author: string; source: string; created_at: string }): TranscriptionRow => ({
  id: r.id,
  lineId: r.line_id,
  text: r.text,
  author: r.author,
  source: r.source,
  createdAt: r.created_at,
});

function* savedTranscription(lineId: number, text: string, author?: string): Program<TranscriptionRow> {
  // Named now, before the first statement: the signed-in caller's context is this call's.
  const by = authorName(author);
  if (!(yield* step(lines.lineExists(lineId)))) throw new Error(`no line ${lineId}`);
  const id = yield* step(transcriptions.addTranscription(lineId, text.normalize('NFC'), by, 'human'));
  return toRow((yield* step(transcriptions.transcriptionRow(id)))!);
}

function* historyOf(lineId: number): Program<TranscriptionRow[]> {
  return (yield* step(transcriptions.transcriptionsOf(lineId))).map(toRow);
}

/** The terms of a search box's text: its words, NFC, quotes dropped (no search syntax is exposed). */
export const searchTerms = (query: string): string[] =>
  query
    .normalize('NFC')
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter(Boolean);

/**
 * Each word is matched as a prefix, so typing "bapt" finds "baptism"; search syntax is not exposed.
 * People's text comes first; then the model's readings of lines no one has transcribed (a
 * transcribed line is found by its text, not by what the model once misread in it), marked
 * as such. Each group is ranked by its store's ranking (FTS5's bm25, PostgreSQL's ts_rank).
 */
function* searchHits(query: string, limit = 100): Program<SearchHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const human = yield* step(searchIndexOp('line_text_fts', terms, limit));
  if (human.length >= limit) return human;
  return [...human, ...(yield* step(searchIndexOp('prediction_text_fts', terms, limit - human.length, true)))];
}

/** The annotation screen's reads and its one write, for either store. */
export const pageOps = { pageView, regionList, savedTranscription, historyOf, searchHits };

export const getPage = (project: Project, pageId: number): PageView => perform(project.db, pageView(pageId));

export const pageRegions = (project: Project, pageId: number): RegionView[] => perform(project.db, regionList(pageId));

export const saveTranscription = (project: Project, lineId: number, text: string, author?: string): TranscriptionRow =>
  perform(project.db, savedTranscription(lineId, text, author));

export const lineHistory = (project: Project, lineId: number): TranscriptionRow[] => perform(project.db, historyOf(lineId));

export const search = (project: Project, query: string, limit = 100): SearchHit[] => perform(project.db, searchHits(query, limit));
