// Lines of a project as training data: labeled lines (their current human transcription,
// with the revision used, for the model's training-set record), unlabeled lines (for
// self-training) and all lines (for self-supervised pretraining), turned into model inputs.
import type { Split } from '../../shared/api.ts';
import type { Sample } from '../ml/data.ts';
import { toLineTensor } from '../ml/line-image.ts';
import { FINISHED_DOCUMENT } from '../import/document-writer.ts';
import type { Project } from './project.ts';
import { lineImages } from './line-images.ts';

/**
 * SQL: the line (alias l) belongs to a document whose import has finished. A large import
 * commits in slices, so its lines exist before it is done, and a failed one is deleted:
 * training must not record lines that may vanish.
 */
export const IN_FINISHED_DOCUMENT = `l.page_id IN (SELECT p.id FROM pages p WHERE p.document_id IN (SELECT id FROM documents WHERE ${FINISHED_DOCUMENT}))`;

/**
 * SQL: the line (alias l) is not in a region excluded from transcription. Such lines (stamps,
 * printed letterheads, a clerk's notes the archive does not want) stay on the page and in
 * exports, but transcription jobs, suggestions, review, line counts and training data skip them.
 */
export const NOT_EXCLUDED = 'NOT EXISTS (SELECT 1 FROM regions rx WHERE rx.id = l.region_id AND rx.excluded = 1)';

/**
 * SQL: the line (alias l) has a current human or imported transcription — the one
 * definition of "labeled" for counts, suggestions, review and training. An empty
 * transcription is a label too: a person said the line holds no text (a band of noise, a
 * ruled line), and training on it teaches the model to read such bands as nothing.
 */
export const LABELED = 'EXISTS (SELECT 1 FROM current_transcriptions ct WHERE ct.line_id = l.id)';

export interface LabeledLine {
  lineId: number;
  text: string;
  transcriptionId: number;
  split: Split;
}

export function labeledLines(project: Project, splits: Split[] = ['train', 'validation', 'test']): LabeledLine[] {
  const rows = project.db
    .prepare(
      `SELECT l.id AS lineId, ct.text, ct.id AS transcriptionId, l.split
    FROM lines l JOIN current_transcriptions ct ON ct.line_id = l.id WHERE ${IN_FINISHED_DOCUMENT} AND ${NOT_EXCLUDED} ORDER BY l.id`,
    )
    .all() as LabeledLine[];
  return rows.filter((r) => splits.includes(r.split));
}

export function allLineIds(project: Project): number[] {
  return (
    project.db.prepare(`SELECT l.id FROM lines l WHERE ${IN_FINISHED_DOCUMENT} AND ${NOT_EXCLUDED} ORDER BY l.id`).all() as Array<{
      id: number;
    }>
  ).map((r) => r.id);
}

/** Lines without a current transcription (not LABELED), in the given splits. */
export function unlabeledLineIds(project: Project, splits: Split[] = ['train', 'validation', 'test']): number[] {
  const rows = project.db
    .prepare(`SELECT l.id, l.split FROM lines l WHERE NOT ${LABELED} AND ${IN_FINISHED_DOCUMENT} AND ${NOT_EXCLUDED} ORDER BY l.id`)
    .all() as Array<{ id: number; split: Split }>;
  return rows.filter((r) => splits.includes(r.split)).map((r) => r.id);
}

export async function samplesFor(project: Project, lines: Array<{ lineId: number; text: string }>, height: number): Promise<Sample[]> {
  const images = await lineImages(
    project,
    lines.map((l) => l.lineId),
  );
  return lines.map((l) => ({ text: l.text, image: toLineTensor(images.get(l.lineId)!, height) }));
}
