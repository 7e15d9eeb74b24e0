// Writes lines (and their imported transcriptions) for a page. Callers run it inside
// the transaction that creates the page (or, for large pages, in runs; see document-writer.ts).
import type { Split } from '../../shared/api.ts';
import type { Db } from '../db/database.ts';
import { insertLine } from '../db/lines.ts';
import { addTranscription } from '../db/transcriptions.ts';
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
  return lines.map((line, order) => {
    const id = insertLine(db, {
      pageId,
      order: firstOrder + order,
      polygon: JSON.stringify(line.polygon),
      baseline: line.baseline ? JSON.stringify(line.baseline) : null,
      box: boundingBox(line.polygon),
      sourceName: line.sourceName ?? null,
      split: line.split,
      regionId: line.regionId ?? null,
    });
    if (line.text !== null) addTranscription(db, id, line.text.normalize('NFC'), 'import', transcriptionSource);
    return id;
  });
}
