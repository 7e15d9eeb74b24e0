// Writes lines (and their imported transcriptions) for a page. Callers run it inside
// the transaction that creates the page (or, for large pages, in runs; see document-writer.ts).
import type { Split } from '../../shared/api.ts';
import type { Db } from '../db/database.ts';
import { perform } from '../db/execute.ts';
import { lines } from '../db/lines.ts';
import type { Program } from '../db/ops.ts';
import { transcriptions } from '../db/transcriptions.ts';
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

/** The author of an imported text when no account imports it (the desktop, the quire command). */
export const IMPORT_AUTHOR = 'import';

/**
 * `firstOrder` is the reading order of the first line (large pages are written in runs);
 * `author`: whose import the texts are (a team server's uploading account).
 * A store-neutral program (main/db/ops.ts): each statement is yielded as it is, not through
 * `step`, since an import runs it for hundreds of thousands of lines.
 */
export function* insertLinesOp(
  pageId: number,
  rows: NewLine[],
  transcriptionSource: string,
  firstOrder = 0,
  author = IMPORT_AUTHOR,
): Program<number[]> {
  const ids: number[] = [];
  for (const [order, line] of rows.entries()) {
    const id = (yield lines.insertLine({
      pageId,
      order: firstOrder + order,
      polygon: JSON.stringify(line.polygon),
      baseline: line.baseline ? JSON.stringify(line.baseline) : null,
      box: boundingBox(line.polygon),
      sourceName: line.sourceName ?? null,
      split: line.split,
      regionId: line.regionId ?? null,
    })) as number;
    if (line.text !== null) yield transcriptions.addTranscription(id, line.text.normalize('NFC'), author, transcriptionSource);
    ids.push(id);
  }
  return ids;
}

export const insertLines = (db: Db, pageId: number, rows: NewLine[], transcriptionSource: string, firstOrder = 0): number[] =>
  perform(db, insertLinesOp(pageId, rows, transcriptionSource, firstOrder));
