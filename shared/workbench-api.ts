// The workbench's methods beyond the core table of api.ts: undo and redo of page edits,
// managing model versions (rename, delete, the current model), per-project settings
// such as the Training panel's last choices, and fine-tuning the line segmenter on the
// project's corrected pages. api.ts merges these into its one table.
import { z } from './zod.ts';
import { EXPORT_FORMATS } from './export-formats.ts';
import type { ProjectSegmenterChoice } from './segmenter-options.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from './training-defaults.ts';

/** What one undo or redo did. */
export interface AppliedEdit {
  label: string;
  pageId: number;
  /** A line the step touched that is on the page now, to select. */
  lineId: number | null;
}

/** The labels of the next undo and redo, null where there is none. */
export interface UndoState {
  undo: string | null;
  redo: string | null;
}

/** Values the Training panel remembers per project (its form fields by name). */
export type TrainingChoices = Record<string, string | number | boolean | null>;

export interface ProjectSettings {
  /** The model the project works with: its default for reading, evaluating, fine-tuning from and export. */
  currentModelId: number | null;
  trainingChoices: TrainingChoices | null;
}

/** A segmenter fine-tuned in this project, for the "Find lines" menu. */
export interface ProjectSegmenter {
  /** What segmentPages takes to run it. */
  choice: ProjectSegmenterChoice;
  jobId: number;
  /** When its job finished. */
  finishedAt: string;
  /** Corrected pages it learned from and steps it trained, where its job recorded them. */
  pages: number | null;
  steps: number | null;
}

const id = z.number().int().positive();
/** A segmentation model file named by a person at a terminal (the app's menus name project segmenters by job). */
export const qsegFile = z
  .string()
  .min(1)
  .max(4096)
  .regex(/\.qseg$/i, 'a segmentation model file ends in .qseg');

export const workbenchSchemas = {
  undo: z.object({}).strict(),
  redo: z.object({}).strict(),
  undoState: z.object({}).strict(),
  renameModel: z.object({ modelId: id, name: z.string().min(1).max(200) }).strict(),
  deleteModel: z.object({ modelId: id }).strict(),
  setCurrentModel: z.object({ modelId: id.nullable() }).strict(),
  projectSettings: z.object({}).strict(),
  rememberTrainingChoices: z
    .object({
      choices: z
        .record(z.string().max(40), z.union([z.string().max(200), z.number().finite(), z.boolean(), z.null()]))
        .refine((c) => Object.keys(c).length <= 40, 'at most 40 choices'),
    })
    .strict(),
  startSegmenterTraining: z
    .object({
      steps: z.number().int().min(1).max(100_000).default(SEGMENTER_TRAINING_DEFAULTS.steps),
      // As `quire train-segmenter --from/--out` names them: the model to start from (default the
      // bundled one) and where to write the result (default <project>/segmenters/job-<id>.qseg).
      from: qsegFile.optional(),
      out: qsegFile.optional(),
    })
    .strict(),
  listSegmenters: z.object({}).strict(),
} as const;

export interface WorkbenchResponses {
  undo: { applied: AppliedEdit | null } & UndoState;
  redo: { applied: AppliedEdit | null } & UndoState;
  undoState: UndoState;
  renameModel: { ok: true };
  deleteModel: { ok: true };
  setCurrentModel: { ok: true };
  projectSettings: ProjectSettings;
  rememberTrainingChoices: { ok: true };
  startSegmenterTraining: { jobId: number };
  /** The project's fine-tuned segmenters, newest first, and how many pages a new one would learn from. */
  listSegmenters: { correctedPages: number; segmenters: ProjectSegmenter[] };
}

/** A download of an export (browser mode: POST /export answers a zip). */
export const exportDownloadSchema = z
  .object({
    format: z.enum(EXPORT_FORMATS),
    modelId: id.optional(),
    documentIds: z.array(id).min(1).optional(),
  })
  .strict();
export type ExportDownload = z.infer<typeof exportDownloadSchema>;
