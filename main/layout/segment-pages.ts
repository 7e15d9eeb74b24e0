// Segmentation of a project's pages: runs the classical segmenter on each page's grayscale
// copy and replaces the page's lines, except that a line carrying a human transcription is
// never removed: it stays, and new lines overlapping it are dropped.
import type { SegmentReport } from '../../shared/api.ts';
import type { Point } from '../io/layout.ts';
import { archiveAndDelete, setReadingOrder, splitForNewLine, verticalCentre } from './line-edits.ts';
import { insertLines } from '../import/insert-lines.ts';
import { grayPage } from '../project/line-images.ts';
import { LABELED } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';
import { polygonIoU } from './line-metrics.ts';
import { segmentOffThread } from './segment-off-thread.ts';

/** Overlap above which a new line is taken to be the same as a kept labeled one. */
const SAME_LINE_IOU = 0.3;

export async function segmentPages(project: Project, pageIds: number[], onProgress?: (done: number, total: number) => void): Promise<SegmentReport> {
  const report: SegmentReport = { pages: 0, added: 0, keptLabeled: 0, removed: 0 };
  const db = project.db;
  for (const pageId of pageIds) {
    const page = db.prepare('SELECT p.id, p.image_hash, p.document_id FROM pages p WHERE p.id = ?').get(pageId) as { id: number; image_hash: string; document_id: number } | undefined;
    if (!page) throw new Error(`no page ${pageId}`);
    const { data, info } = await grayPage(project, page.image_hash);
    const found = await segmentOffThread({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
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
      // Reading order: top to bottom by the line's vertical centre, kept and new lines together.
      const all = [...kept, ...fresh.map((l, i) => ({ id: ids[i], polygon: l.polygon }))];
      all.sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon));
      setReadingOrder(project, all.map((l) => l.id));
      report.added += fresh.length;
      report.keptLabeled += kept.length;
      report.removed += drop.length;
    })();
    report.pages++;
    onProgress?.(report.pages, pageIds.length);
  }
  return report;
}
