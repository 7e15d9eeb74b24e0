// Reads a page of the project as the layout model for export: its lines in reading order,
// each with the newest human transcription, or else the chosen model's prediction and
// its confidence.
import type { LayoutPage, Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';

interface LineRow {
  id: number;
  polygon: string;
  baseline: string | null;
  human: string | null;
  predicted: string | null;
  confidence: number | null;
}

export function pageLayout(project: Project, pageId: number, imageFilename: string, modelId?: number): LayoutPage {
  const page = project.db.prepare('SELECT width, height FROM pages WHERE id = ?').get(pageId) as { width: number; height: number } | undefined;
  if (!page) throw new Error(`no page ${pageId}`);
  const rows = project.db.prepare(`SELECT l.id, l.polygon, l.baseline, ct.text AS human, p.text AS predicted, p.confidence
      FROM lines l
      LEFT JOIN current_transcriptions ct ON ct.line_id = l.id
      LEFT JOIN predictions p ON p.line_id = l.id AND p.model_id = ?
      WHERE l.page_id = ? ORDER BY l.reading_order, l.id`).all(modelId ?? -1, pageId) as LineRow[];
  const lines = rows.map((r) => ({
    id: `line_${r.id}`,
    polygon: JSON.parse(r.polygon) as Point[],
    baseline: r.baseline ? (JSON.parse(r.baseline) as Point[]) : null,
    text: r.human ?? r.predicted,
    confidence: r.human === null && r.predicted !== null ? r.confidence : null,
  }));
  return {
    format: 'page-2019', imageFilename, width: page.width, height: page.height, warnings: [],
    regions: lines.length ? [{ id: `region_${pageId}`, polygon: [], lines }] : [],
  };
}
