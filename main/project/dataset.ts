// Lines of a project as training data: labeled lines (their current human transcription,
// with the revision used, for the model's training-set record), unlabeled lines (for
// self-training) and all lines (for self-supervised pretraining), turned into model inputs.
// Which lines are which is defined once, in main/db/line-sets.ts.
import type { Split } from '../../shared/api.ts';
import type { Sample } from '../ml/data.ts';
import { toLineTensor } from '../ml/line-image.ts';
import { dataset, datasetLineIds, labeledLineRows, unlabeledLineRows } from '../db/dataset.ts';
import type { Project } from './project.ts';
import { lineImagesAt } from './line-images.ts';
import { folderStore, type ProjectStore } from './project-store.ts';

export interface LabeledLine {
  lineId: number;
  text: string;
  transcriptionId: number;
  split: Split;
}

export function labeledLines(project: Project, splits: Split[] = ['train', 'validation', 'test']): LabeledLine[] {
  return labeledLineRows(project.db).filter((r) => splits.includes(r.split));
}

export function allLineIds(project: Project): number[] {
  return datasetLineIds(project.db);
}

/** Lines without a current transcription (main/db/line-sets.ts), in the given splits. */
export function unlabeledLineIds(project: Project, splits: Split[] = ['train', 'validation', 'test']): number[] {
  return unlabeledLineRows(project.db)
    .filter((r) => splits.includes(r.split))
    .map((r) => r.id);
}

/** labeledLines of a project on either store (a training job's on a team server). */
export const labeledLinesAt = async (store: ProjectStore, splits: Split[] = ['train', 'validation', 'test']): Promise<LabeledLine[]> =>
  (await store.run(dataset.labeledLineRows())).filter((r) => splits.includes(r.split));

export const allLineIdsAt = (store: ProjectStore): Promise<number[]> => store.run(dataset.datasetLineIds());

export const unlabeledLineIdsAt = async (store: ProjectStore, splits: Split[] = ['train', 'validation', 'test']): Promise<number[]> =>
  (await store.run(dataset.unlabeledLineRows())).filter((r) => splits.includes(r.split)).map((r) => r.id);

export const samplesFor = (project: Project, lines: Array<{ lineId: number; text: string }>, height: number): Promise<Sample[]> =>
  samplesAt(folderStore(project), lines, height);

/** samplesFor a project on either store (a team server's, its crops from the shared folder). */
export async function samplesAt(store: ProjectStore, lines: Array<{ lineId: number; text: string }>, height: number): Promise<Sample[]> {
  const images = await lineImagesAt(
    store,
    lines.map((l) => l.lineId),
  );
  return lines.map((l) => ({ text: l.text, image: toLineTensor(images.get(l.lineId)!, height) }));
}
