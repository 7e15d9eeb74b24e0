// The page and line queries behind the annotation screen: a page with its lines, saving a
// transcription (always a new history row, never an update), a line's history, and
// full-text search over the current transcriptions.
import type { LineView, PageView, RegionView, SearchHit, TranscriptionRow } from '../../shared/api.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { lineExists } from '../db/lines.ts';
import { neighbourPage, pageLineViews, pageSummary } from '../db/pages.ts';
import { regionViews } from '../db/regions.ts';
import { searchIndex } from '../db/search.ts';
import { addTranscription, transcriptionRow, transcriptionsOf } from '../db/transcriptions.ts';
import { cropKey } from '../project/line-images.ts';

export function getPage(project: Project, pageId: number): PageView {
  const db = project.db;
  const page = pageSummary(db, pageId);
  if (!page) throw new Error(`no page ${pageId}`);
  const neighbour = (side: 'before' | 'after') => neighbourPage(db, page.documentId, page.index, side);
  const lines: LineView[] = pageLineViews(db, pageId).map((r) => ({
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
  const { documentName, ...summary } = page;
  return {
    page: summary,
    documentName,
    previousPageId: neighbour('before'),
    nextPageId: neighbour('after'),
    lines,
    regions: pageRegions(project, pageId),
  };
}

export function pageRegions(project: Project, pageId: number): RegionView[] {
  return regionViews(project.db, pageId).map((r) => ({
    ...r,
    type: r.type as RegionView['type'],
    lines: r.lines ?? 0,
    polygon: JSON.parse(r.polygon),
    excluded: !!r.excluded,
  }));
}

const toRow = (r: NonNullable<ReturnType<typeof transcriptionRow>>): TranscriptionRow => ({
  id: r.id,
  lineId: r.line_id,
  text: r.text,
  author: r.author,
  source: r.source,
  createdAt: r.created_at,
});

export function saveTranscription(project: Project, lineId: number, text: string, author?: string): TranscriptionRow {
  if (!lineExists(project.db, lineId)) throw new Error(`no line ${lineId}`);
  const id = addTranscription(project.db, lineId, text.normalize('NFC'), authorName(author), 'human');
  return toRow(transcriptionRow(project.db, id)!);
}

export function lineHistory(project: Project, lineId: number): TranscriptionRow[] {
  return transcriptionsOf(project.db, lineId).map(toRow);
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
 * as such. Each group is ranked by FTS5's bm25.
 */
export function search(project: Project, query: string, limit = 100): SearchHit[] {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const human = searchIndex(project.db, 'line_text_fts', terms, limit);
  if (human.length >= limit) return human;
  return [...human, ...searchIndex(project.db, 'prediction_text_fts', terms, limit - human.length, true)];
}
