// Segmentation of a project's pages: runs a segmenter (the classical one unless another is
// given) on each page's grayscale copy and replaces the page's lines, except that a line
// carrying a human transcription is never removed: it stays, and new lines overlapping it
// are dropped.
import type { SegmentReport } from '../../shared/api.ts';
import type { Point } from '../io/layout.ts';
import { setReadingOrder, splitForNewLine, verticalCentre } from './line-edits.ts';
import { archiveAndDelete } from './line-archive.ts';
import { insertLines } from '../import/insert-lines.ts';
import { grayPage } from '../project/line-images.ts';
import { LABELED } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';
import { polygonIoU } from './line-metrics.ts';
import { classicalSegmenter, type PageSegmenter } from './segmenters.ts';

/** Overlap above which a new line is taken to be the same as a kept labeled one. */
const SAME_LINE_IOU = 0.3;

export async function segmentPages(project: Project, pageIds: number[], onProgress?: (done: number, total: number) => void, segment: PageSegmenter = classicalSegmenter): Promise<SegmentReport> {
  const report: SegmentReport = { pages: 0, added: 0, keptLabeled: 0, removed: 0 };
  const db = project.db;
  for (const pageId of pageIds) {
    const page = db.prepare('SELECT p.id, p.image_hash, p.document_id FROM pages p WHERE p.id = ?').get(pageId) as { id: number; image_hash: string; document_id: number } | undefined;
    if (!page) throw new Error(`no page ${pageId}`);
    const { data, info } = await grayPage(project, page.image_hash);
    const found = await segment({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    db.transaction(() => {
      const existing = db.prepare(`SELECT l.id, l.polygon, ${LABELED} AS labeled
        FROM lines l WHERE l.page_id = ?`).all(pageId) as Array<{ id: number; polygon: string; labeled: number }>;
      const kept = existing.filter((l) => l.labeled).map((l) => ({ id: l.id, polygon: JSON.parse(l.polygon) as Point[] }));
      const drop = existing.filter((l) => !l.labeled);
      for (const l of drop) archiveAndDelete(project, l.id, 'replaced by segmentation');
      const fresh = found.lines.filter((n) => kept.every((k) => polygonIoU(n.polygon, k.polygon) < SAME_LINE_IOU));
      const ids = insertLines(db, pageId, fresh.map((l) => ({
        polygon: l.polygon, baseline: l.baseline, text: null,
        split: splitForNewLine(page.document_id, page.id, l.polygon),
      })), 'segmentation');
      const added = fresh.map((l, i) => ({ id: ids[i], polygon: l.polygon }));
      setReadingOrder(project, readingOrder(kept, added, found.ordered).map((l) => l.id));
      report.added += fresh.length;
      report.keptLabeled += kept.length;
      report.removed += drop.length;
    })();
    report.pages++;
    onProgress?.(report.pages, pageIds.length);
  }
  return report;
}

type Placed = { id: number; polygon: Point[] };

/**
 * Reading order of kept and new lines. Without an order from the segmenter: top to bottom by
 * vertical centre. With one (a trained model's, region by region): the new lines keep it,
 * and each kept line goes before the first new line that lies below it in the same column.
 */
export function readingOrder(kept: Placed[], added: Placed[], ordered: boolean): Placed[] {
  if (!ordered) return [...kept, ...added].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon));
  const span = (p: Point[]) => [Math.min(...p.map((q) => q[0])), Math.max(...p.map((q) => q[0]))];
  const out = [...added];
  for (const k of [...kept].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon))) {
    const [k0, k1] = span(k.polygon);
    const at = out.findIndex((n) => {
      const [n0, n1] = span(n.polygon);
      return n0 < k1 && k0 < n1 && verticalCentre(n.polygon) > verticalCentre(k.polygon);
    });
    out.splice(at < 0 ? out.length : at, 0, k);
  }
  return out;
}
