// Methods for scripts and the model details: model versions as full records (config, what
// they learned from, weights), a version written to or added from a model file, and a
// model's stored readings. api.ts merges these into its one table; `quire models`,
// `quire model export|import` and `quire transcribe` print their answers.
import { z } from './zod.ts';

const id = z.number().int().positive();
const file = z.string().min(1).max(4096);

export const recordSchemas = {
  listModelVersions: z.object({}).strict(),
  // Served over every transport: the name's ending keeps a request from replacing any other kind of file.
  exportModel: z.object({ modelId: id, file: file.regex(/\.qmodel$/i, 'a model file ends in .qmodel') }).strict(),
  /** A model file from another project, or "base" for the bundled base model. */
  importModel: z.object({ file }).strict(),
  listReadings: z.object({ modelId: id, pageIds: z.array(id).min(1).optional() }).strict(),
} as const;

/** A model version as stored: ModelSummary's fields for a listing, this for the whole record. */
export interface ModelRecord {
  id: number;
  name: string;
  kind: 'pretrain' | 'finetune';
  parentId: number | null;
  /** The training request, with the network's shape. */
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Which lines (and transcription revisions, and pseudo-labels) it learned from. */
  trainingSet: unknown;
  weightsHash: string;
  backend: string | null;
  durationS: number | null;
  createdAt: string;
}

/** A model's reading of a line, in reading order. */
export interface LineReadingRow {
  lineId: number;
  /** The line image's file name, for lines imported as images. */
  sourceName: string | null;
  text: string;
  confidence: number;
}

export interface RecordResponses {
  listModelVersions: ModelRecord[];
  exportModel: { ok: true };
  importModel: ModelRecord;
  listReadings: LineReadingRow[];
}
