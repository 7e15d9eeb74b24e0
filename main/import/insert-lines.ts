// Writes lines (and their imported transcriptions) for a page. Callers run it inside
// the transaction that creates the page (or, for large pages, in runs; see document-writer.ts).
import type { Split } from '../../shared/api.ts';
import type { Db } from '../db/database.ts';
import { boundingBox, type Point } from '../io/layout.ts';

export interface NewLine {
  polygon: Point[];
  baseline: Point[] | null;
  text: string | null;
  split: Split;
  sourceName?: string | null;
  /** The region (regions.id) the line belongs to, if any. */
  regionId?: number | null;
}

/** `firstOrder` is the reading order of the first line (large pages are written in runs). */
export function insertLines(db: Db, pageId: number, lines: NewLine[], transcriptionSource: string, firstOrder = 0): number[] {
  const insertLine =
    db.prepare(`INSERT INTO lines (page_id, reading_order, polygon, baseline, box_x, box_y, box_w, box_h, source_name, split, region_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertText = db.prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (?, ?, 'import', ?)");
  return lines.map((line, order) => {
    const b = boundingBox(line.polygon);
    const id = Number(
      insertLine.run(
        pageId,
        firstOrder + order,
        JSON.stringify(line.polygon),
        line.baseline ? JSON.stringify(line.baseline) : null,
        b.x,
        b.y,
        b.w,
        b.h,
        line.sourceName ?? null,
        line.split,
        line.regionId ?? null,
      ).lastInsertRowid,
    );
    if (line.text !== null) insertText.run(id, line.text.normalize('NFC'), transcriptionSource);
    return id;
  });
}
