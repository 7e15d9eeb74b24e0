// Segmentation of a project's pages: runs the classical segmenter on each page's grayscale
// copy and replaces the page's lines, except that a line carrying a human transcription is
// never removed: it stays, and new lines overlapping it are dropped. Also editing one
// line's shape, keeping the old shape in the history.
import sharp from 'sharp';
import type { SegmentReport } from '../../shared/api.ts';
import type { Point } from '../io/layout.ts';
import { boundingBox } from '../io/layout.ts';
import { insertLines } from '../import/insert-lines.ts';
import { stableSplit } from '../import/split.ts';
import type { Project } from '../project/project.ts';
import { polygonIoU } from './line-metrics.ts';
import { segmentPage } from './segment.ts';


/** Overlap above which a new line is taken to be the same as a kept labeled one. */
const SAME_LINE_IOU = 0.3;

export async function segmentPages(project: Project, pageIds: number[], onProgress?: (done: number, total: number) => void): Promise<SegmentReport> {
  const report: SegmentReport = { pages: 0, added: 0, keptLabeled: 0, removed: 0 };
  const db = project.db;
  for (const pageId of pageIds) {
    const page = db.prepare('SELECT p.id, p.image_hash, p.document_id FROM pages p WHERE p.id = ?').get(pageId) as { id: number; image_hash: string; document_id: number } | undefined;
    if (!page) throw new Error(`no page ${pageId}`);
    // The gray copy is one channel, but libvips decodes PNGs to sRGB unless told otherwise.
    const { data, info } = await sharp(project.images.path(page.image_hash, 'gray')).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const found = segmentPage({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    db.transaction(() => {
      const existing = db.prepare(`SELECT l.id, l.polygon, EXISTS (SELECT 1 FROM current_transcriptions ct WHERE ct.line_id = l.id) AS labeled
        FROM lines l WHERE l.page_id = ?`).all(pageId) as Array<{ id: number; polygon: string; labeled: number }>;
      const kept = existing.filter((l) => l.labeled).map((l) => ({ id: l.id, polygon: JSON.parse(l.polygon) as Point[] }));
      const drop = existing.filter((l) => !l.labeled);
      const remove = db.prepare('DELETE FROM lines WHERE id = ?');
      for (const l of drop) remove.run(l.id);
      const fresh = found.lines.filter((n) => kept.every((k) => polygonIoU(n.polygon, k.polygon) < SAME_LINE_IOU));
      const ids = insertLines(db, pageId, fresh.map((l) => ({
        polygon: l.polygon, baseline: l.baseline, text: null,
        split: stableSplit(`${page.document_id}/${page.id}/${l.polygon.flat().join(',')}`),
      })), 'segmentation');
      // Reading order: top to bottom by the line's vertical centre, kept and new lines together.
      const all = [...kept, ...fresh.map((l, i) => ({ id: ids[i], polygon: l.polygon }))];
      const centre = (p: Point[]) => { const b = boundingBox(p); return b.y + b.h / 2; };
      all.sort((a, b) => centre(a.polygon) - centre(b.polygon));
      const order = db.prepare('UPDATE lines SET reading_order = ? WHERE id = ?');
      all.forEach((l, i) => order.run(i, l.id));
      report.added += fresh.length;
      report.keptLabeled += kept.length;
      report.removed += drop.length;
    })();
    report.pages++;
    onProgress?.(report.pages, pageIds.length);
  }
  return report;
}

/** Replaces a line's polygon (and baseline); the previous shape goes to the history. */
export function updateLineGeometry(project: Project, lineId: number, polygon: Point[], baseline: Point[] | null): void {
  const db = project.db;
  const line = db.prepare('SELECT l.polygon, l.baseline, p.width, p.height FROM lines l JOIN pages p ON p.id = l.page_id WHERE l.id = ?')
    .get(lineId) as { polygon: string; baseline: string | null; width: number; height: number } | undefined;
  if (!line) throw new Error(`no line ${lineId}`);
  const outside = [...polygon, ...(baseline ?? [])].find(([x, y]) => x < 0 || y < 0 || x > line.width || y > line.height);
  if (outside) throw new Error(`line ${lineId}: point ${outside.join(',')} lies outside the page (${line.width}×${line.height})`);
  const b = boundingBox(polygon);
  db.transaction(() => {
    db.prepare('INSERT INTO line_geometry_history (line_id, polygon, baseline) VALUES (?, ?, ?)').run(lineId, line.polygon, line.baseline);
    db.prepare('UPDATE lines SET polygon = ?, baseline = ?, box_x = ?, box_y = ?, box_w = ?, box_h = ? WHERE id = ?')
      .run(JSON.stringify(polygon), baseline ? JSON.stringify(baseline) : null, b.x, b.y, b.w, b.h, lineId);
  })();
}
