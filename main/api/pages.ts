// The page and line queries behind the annotation screen: a page with its lines, saving a
// transcription (always a new history row, never an update), a line's history, and
// full-text search over the current transcriptions.
import type { LineView, PageView, RegionView, SearchHit, TranscriptionRow } from '../../shared/api.ts';
import type { Project } from '../project/project.ts';
import { LABELED, NOT_EXCLUDED } from '../project/dataset.ts';
import { FINISHED_DOCUMENT } from '../import/document-writer.ts';
import { cropKey } from '../project/line-images.ts';

/** The columns of a PageSummary, selected from pages (alias p). Lines of excluded regions are not counted. */
export const PAGE_SUMMARY = `p.id, p.document_id AS documentId, p.page_index AS "index", p.image_hash AS image, p.width, p.height, p.dpi,
  (SELECT count(*) FROM lines l WHERE l.page_id = p.id AND ${NOT_EXCLUDED}) AS lines,
  (SELECT count(*) FROM lines l WHERE l.page_id = p.id AND ${LABELED} AND ${NOT_EXCLUDED}) AS labeled,
  (SELECT count(*) FROM lines l WHERE l.page_id = p.id AND NOT ${LABELED} AND ${NOT_EXCLUDED} AND EXISTS (SELECT 1 FROM predictions pr WHERE pr.line_id = l.id)) AS predicted`;

export function getPage(project: Project, pageId: number): PageView {
  const db = project.db;
  const page = db
    .prepare(
      `SELECT ${PAGE_SUMMARY}, d.name AS documentName
    FROM pages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?`,
    )
    .get(pageId) as (PageView['page'] & { documentName: string }) | undefined;
  if (!page) throw new Error(`no page ${pageId}`);
  const neighbour = (cmp: '<' | '>', order: 'DESC' | 'ASC') =>
    (
      db
        .prepare(`SELECT id FROM pages WHERE document_id = ? AND page_index ${cmp} ? ORDER BY page_index ${order} LIMIT 1`)
        .get(page.documentId, page.index) as { id: number } | undefined
    )?.id ?? null;
  const rows = db
    .prepare(
      `SELECT l.id, l.reading_order AS "order", l.polygon, l.baseline, l.box_x, l.box_y, l.box_w, l.box_h, l.split, l.region_id,
      ct.text, ct.author, ct.created_at AS savedAt,
      pr.model_id AS modelId, pr.text AS pText, pr.confidence AS pConf, pr.char_confidence AS pChars
    FROM lines l
    LEFT JOIN current_transcriptions ct ON ct.line_id = l.id
    LEFT JOIN predictions pr ON pr.id = (SELECT max(id) FROM predictions q WHERE q.line_id = l.id)
    WHERE l.page_id = ? ORDER BY l.reading_order, l.id`,
    )
    .all(pageId) as Array<Record<string, unknown>>;
  const lines: LineView[] = rows.map((r) => ({
    id: r.id as number,
    order: r.order as number,
    split: r.split as LineView['split'],
    regionId: (r.region_id as number | null) ?? null,
    polygon: JSON.parse(r.polygon as string),
    baseline: r.baseline ? JSON.parse(r.baseline as string) : null,
    box: { x: r.box_x as number, y: r.box_y as number, w: r.box_w as number, h: r.box_h as number },
    cropKey: cropKey(page.image, r.polygon as string),
    text: (r.text as string | null) ?? null,
    author: (r.author as string | null) ?? null,
    savedAt: (r.savedAt as string | null) ?? null,
    prediction:
      r.modelId == null
        ? null
        : {
            modelId: r.modelId as number,
            text: r.pText as string,
            confidence: r.pConf as number,
            charConfidence: JSON.parse(r.pChars as string),
          },
  }));
  const { documentName, ...summary } = page;
  return {
    page: summary,
    documentName,
    previousPageId: neighbour('<', 'DESC'),
    nextPageId: neighbour('>', 'ASC'),
    lines,
    regions: pageRegions(project, pageId),
  };
}

export function pageRegions(project: Project, pageId: number): RegionView[] {
  const rows = project.db
    .prepare(
      `SELECT r.id, r.reading_order AS "order", r.type, r.label, r.polygon, r.excluded,
      (SELECT count(*) FROM lines l WHERE l.region_id = r.id) AS lines
    FROM regions r WHERE r.page_id = ? ORDER BY r.reading_order, r.id`,
    )
    .all(pageId) as Array<Omit<RegionView, 'polygon' | 'excluded'> & { polygon: string; excluded: number }>;
  return rows.map((r) => ({ ...r, polygon: JSON.parse(r.polygon), excluded: !!r.excluded }));
}

const toRow = (r: Record<string, unknown>): TranscriptionRow => ({
  id: r.id as number,
  lineId: r.line_id as number,
  text: r.text as string,
  author: r.author as string,
  source: r.source as string,
  createdAt: r.created_at as string,
});

export function saveTranscription(project: Project, lineId: number, text: string, author = 'me'): TranscriptionRow {
  if (!project.db.prepare('SELECT 1 FROM lines WHERE id = ?').get(lineId)) throw new Error(`no line ${lineId}`);
  const id = Number(
    project.db
      .prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (?, ?, ?, 'human')")
      .run(lineId, text.normalize('NFC'), author).lastInsertRowid,
  );
  return toRow(project.db.prepare('SELECT * FROM transcriptions WHERE id = ?').get(id) as Record<string, unknown>);
}

export function lineHistory(project: Project, lineId: number): TranscriptionRow[] {
  return (
    project.db.prepare('SELECT * FROM transcriptions WHERE line_id = ? ORDER BY id DESC').all(lineId) as Array<Record<string, unknown>>
  ).map(toRow);
}

/**
 * Each word is matched as a prefix, so typing "bapt" finds "baptism"; FTS syntax is not exposed.
 * People's text comes first; then the model's readings of lines no one has transcribed (a
 * transcribed line is found by its text, not by what the model once misread in it), marked
 * as such. Each group is ranked by FTS5's bm25.
 */
export function search(project: Project, query: string, limit = 100): SearchHit[] {
  const terms = query
    .normalize('NFC')
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter(Boolean);
  if (terms.length === 0) return [];
  const match = terms.map((t) => `"${t}"*`).join(' ');
  const human = searchIndex(project, 'line_text_fts', '', match, limit);
  if (human.length >= limit) return human;
  const untranscribed = 'AND NOT EXISTS (SELECT 1 FROM line_text_fts h WHERE h.rowid = f.rowid)';
  return [...human, ...searchIndex(project, 'prediction_text_fts', untranscribed, match, limit - human.length)];
}

function searchIndex(
  project: Project,
  table: 'line_text_fts' | 'prediction_text_fts',
  where: string,
  match: string,
  limit: number,
): SearchHit[] {
  const source: SearchHit['source'] = table === 'line_text_fts' ? 'human' : 'model';
  return project.db
    .prepare(
      `SELECT f.rowid AS lineId, l.page_id AS pageId, p.document_id AS documentId, d.name AS documentName,
      p.page_index AS pageIndex, f.text, highlight(${table}, 0, '[[', ']]') AS snippet, '${source}' AS source
    FROM ${table} f JOIN lines l ON l.id = f.rowid JOIN pages p ON p.id = l.page_id JOIN documents d ON d.id = p.document_id
    WHERE ${table} MATCH ? ${where} AND ${FINISHED_DOCUMENT} ORDER BY rank LIMIT ?`,
    )
    .all(match, limit) as SearchHit[];
}
