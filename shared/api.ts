// The one service surface of Quire. Every method takes one request object and returns a
// promise of its response; the same table is served over Electron IPC, over the local
// HTTP server of browser mode, and called directly by the CLI and tests. Requests are
// validated at the boundary with the zod schemas below.
import { z } from './zod.ts';
import { AUGMENTATION_PIPELINES, FEATURE_KINDS, HEAD_KINDS, MAPPING_KINDS } from './pretraining-options.ts';
import { MAX_SELF_TRAINING_ROUNDS, MIN_SELF_TRAINING_ROUNDS, SELF_TRAINING_DEFAULTS } from './self-training-options.ts';
import { EXPORT_FORMATS } from './export-formats.ts';
import { qsegFile, workbenchSchemas, type WorkbenchResponses } from './workbench-api.ts';
import { recordSchemas, type RecordResponses } from './records-api.ts';
import { REGION_TYPES, type RegionType } from './region-types.ts';
import { PROJECT_SEGMENTER_PATTERN, SEGMENTERS } from './segmenter-options.ts';
import { TRAINING_DEFAULTS } from './training-defaults.ts';

export const SPLITS = ['train', 'validation', 'test'] as const;
export { EXPORT_FORMATS, type ExportFormat } from './export-formats.ts';
export type Split = (typeof SPLITS)[number];

export interface ProjectInfo {
  path: string;
  name: string;
  documents: number;
  pages: number;
  lines: number;
  labeled: number;
}

export interface DocumentSummary {
  id: number;
  name: string;
  kind: 'scan' | 'lines';
  sourceFile: string;
  pages: number;
  lines: number;
  labeled: number;
  /** Image hash of the first page, for its thumbnail. */
  coverImage: string | null;
  createdAt: string;
}

/** A document set aside by a person (a mistaken import): out of the project's lists, counts, search, exports and training until restored. */
export interface RemovedDocument extends DocumentSummary {
  removedAt: string;
  removedBy: string;
}

export interface PageSummary {
  id: number;
  documentId: number;
  index: number;
  image: string;
  width: number;
  height: number;
  dpi: number | null;
  lines: number;
  labeled: number;
  /** Unlabeled lines with a model reading. */
  predicted: number;
}

export type Point = [number, number];

export interface LineView {
  id: number;
  order: number;
  polygon: Point[];
  baseline: Point[] | null;
  box: { x: number; y: number; w: number; h: number };
  /** Names the crop of this shape on this page's pixels; changes whenever they change (the line image URL carries it). */
  cropKey: string;
  split: Split;
  /** The region the line belongs to, if any. */
  regionId: number | null;
  /** Current human (or imported) transcription, null when unlabeled. */
  text: string | null;
  author: string | null;
  savedAt: string | null;
  /** The newest model reading, for proofreading. */
  prediction: { modelId: number; text: string; confidence: number; charConfidence: number[] } | null;
}

export interface PageView {
  page: PageSummary;
  documentName: string;
  /** Set when the page's document was removed (set aside, restorable): when and by whom. */
  documentRemoved: { at: string; by: string } | null;
  /** Neighbouring pages of the document, for navigation. */
  previousPageId: number | null;
  nextPageId: number | null;
  lines: LineView[];
  /** Text regions in reading order. */
  regions: RegionView[];
}

export interface RegionView {
  id: number;
  order: number;
  type: RegionType;
  /** The source's own name for the type where it had another (SegmOnto's MarginTextZone…). */
  label: string | null;
  polygon: Point[];
  /** Left out of transcription jobs, suggestions, review, counts and training data. */
  excluded: boolean;
  /** How many lines it holds. */
  lines: number;
}

export interface TranscriptionRow {
  id: number;
  lineId: number;
  text: string;
  author: string;
  source: string;
  createdAt: string;
}

export interface SearchHit {
  lineId: number;
  pageId: number;
  documentId: number;
  documentName: string;
  pageIndex: number;
  text: string;
  /** The matches: [start, end) ranges of `text` (UTF-16 offsets), in order. */
  marks: Array<[number, number]>;
  /** A person's text, or the model's reading of a line no one has transcribed. */
  source: 'human' | 'model';
}

export interface ImportFailure {
  file: string;
  reason: string;
}

export interface ImportReport {
  imported: Array<{ file: string; documentId: number; pages: number; lines: number }>;
  /** Files skipped because their content is already in the project (or earlier in this import), with which and why. */
  duplicates: Array<{ file: string; reason: string }>;
  failed: ImportFailure[];
  /** Lines repaired or skipped inside files that were imported. */
  warnings: Array<{ file: string; message: string }>;
}

export const emptyImportReport = (): ImportReport => ({ imported: [], duplicates: [], failed: [], warnings: [] });

export function mergeImportReports(reports: ImportReport[]): ImportReport {
  return {
    imported: reports.flatMap((r) => r.imported),
    duplicates: reports.flatMap((r) => r.duplicates),
    failed: reports.flatMap((r) => r.failed),
    warnings: reports.flatMap((r) => r.warnings),
  };
}

/**
 * A model a job starts from or reads with: a version's id, or 'base', the bundled base
 * model, which joins the project (as a version) only once the request is accepted, so a
 * refused request leaves the project as it was.
 */
const modelRef = z.union([z.number().int().positive(), z.literal('base')]);

/** A fixed segmenter, or one fine-tuned in the project by name ("project:<jobId>"), never a path. */
const segmenterSchema = z.union([
  z.enum(SEGMENTERS),
  z.string().regex(PROJECT_SEGMENTER_PATTERN, 'a segmenter is "bundled", "classical" or "project:<job id>"'),
]);

const pointSchema = z.tuple([z.number().finite(), z.number().finite()]);

export const schemas = {
  projectInfo: z.object({}).strict(),
  openProject: z.object({ path: z.string().min(1).max(4096) }).strict(),
  createProject: z.object({ path: z.string().min(1).max(4096) }).strict(),
  listDocuments: z.object({}).strict(),
  renameDocument: z.object({ documentId: z.number().int().positive(), name: z.string().trim().min(1).max(200) }).strict(),
  // Removing sets a document aside (nothing is deleted); restoring brings it back.
  removeDocument: z.object({ documentId: z.number().int().positive() }).strict(),
  restoreDocument: z.object({ documentId: z.number().int().positive() }).strict(),
  listRemovedDocuments: z.object({}).strict(),
  listPages: z.object({ documentId: z.number().int().positive() }).strict(),
  importFiles: z.object({ paths: z.array(z.string().min(1)).min(1), split: z.enum(SPLITS).optional() }).strict(),
  importLineFolder: z.object({ folder: z.string().min(1), split: z.enum(SPLITS).optional() }).strict(),
  exportDocuments: z
    .object({
      format: z.enum(EXPORT_FORMATS),
      out: z.string().min(1),
      modelId: z.number().int().positive().optional(),
      documentIds: z.array(z.number().int().positive()).optional(),
    })
    .strict(),
  getPage: z.object({ pageId: z.number().int().positive() }).strict(),
  saveTranscription: z
    .object({ lineId: z.number().int().positive(), text: z.string().max(10_000), author: z.string().min(1).max(200).optional() })
    .strict(),
  lineHistory: z.object({ lineId: z.number().int().positive() }).strict(),
  search: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(1000).optional() }).strict(),
  listModels: z.object({}).strict(),
  listJobs: z.object({}).strict(),
  addBaseModel: z.object({}).strict(),
  startTraining: z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('pretrain'),
        mapping: z.enum(MAPPING_KINDS).default('window'),
        instances: z.number().int().min(1).max(64).default(TRAINING_DEFAULTS.instances),
        head: z.enum(HEAD_KINDS).default('mlp'),
        features: z.enum(FEATURE_KINDS).default('contextual'),
        augmentations: z.enum(AUGMENTATION_PIPELINES).default('mild'),
        steps: z.number().int().min(1).max(1_000_000).default(TRAINING_DEFAULTS.steps),
        batchSize: z.number().int().min(1).max(256).default(TRAINING_DEFAULTS.batchSize),
        seed: z.number().int().min(0).default(TRAINING_DEFAULTS.seed),
        threads: z.number().int().min(1).max(64).optional(),
        checkpointEvery: z.number().int().min(1).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('finetune'),
        from: modelRef.optional(),
        freezeEncoder: z.boolean().default(false),
        steps: z.number().int().min(1).max(1_000_000).default(TRAINING_DEFAULTS.steps),
        batchSize: z.number().int().min(1).max(256).default(TRAINING_DEFAULTS.batchSize),
        seed: z.number().int().min(0).default(TRAINING_DEFAULTS.seed),
        // Left out, the server chooses (it knows the machine's cores; a browser window does not).
        threads: z.number().int().min(1).max(64).optional(),
        checkpointEvery: z.number().int().min(1).optional(),
        // Present: semi-supervised (self-training on the unlabeled lines too); `steps` is then
        // the total over all rounds.
        semiSupervised: z
          .object({
            rounds: z.number().int().min(MIN_SELF_TRAINING_ROUNDS).max(MAX_SELF_TRAINING_ROUNDS).default(SELF_TRAINING_DEFAULTS.rounds),
            threshold: z.number().min(0).max(1).default(SELF_TRAINING_DEFAULTS.threshold),
            // Machine readings weigh less than human labels (which weigh 1).
            pseudoWeight: z.number().min(0).lt(1).default(SELF_TRAINING_DEFAULTS.pseudoWeight),
            /** The teacher reads the unlabeled lines with the bundled language model (and the project's transcriptions). */
            languageModel: z.boolean().default(SELF_TRAINING_DEFAULTS.languageModel),
          })
          .strict()
          .optional(),
      })
      .strict(),
  ]),
  startTranscription: z
    .object({
      modelId: modelRef,
      pageIds: z.array(z.number().int().positive()).min(1).optional(),
      /** Beam search width; 1 (the default) reads the best path. */
      beamWidth: z.number().int().min(1).max(64).optional(),
      /** Beam search with the bundled language model mixed with the project's transcriptions (at least LANGUAGE_MODEL_DEFAULTS.beamWidth wide). */
      languageModel: z.boolean().optional(),
    })
    .strict(),
  segmentPages: z
    .object({
      pageIds: z.array(z.number().int().positive()).min(1).max(100_000),
      segmenter: segmenterSchema.optional(),
      /** A .qseg model file instead of a named segmenter (`quire segment --model FILE`). */
      segmenterFile: qsegFile.optional(),
    })
    .strict()
    .refine((r) => !(r.segmenter && r.segmenterFile), 'name a segmenter or a segmenter file, not both'),
  segmentRegion: z.object({ regionId: z.number().int().positive(), segmenter: segmenterSchema.optional() }).strict(),
  addRegion: z
    .object({
      pageId: z.number().int().positive(),
      polygon: z.array(pointSchema).min(3).max(10_000),
      type: z.enum(REGION_TYPES).default('paragraph'),
    })
    .strict(),
  updateRegion: z
    .object({ regionId: z.number().int().positive(), type: z.enum(REGION_TYPES).optional(), excluded: z.boolean().optional() })
    .strict(),
  deleteRegion: z.object({ regionId: z.number().int().positive() }).strict(),
  moveRegion: z.object({ regionId: z.number().int().positive(), order: z.number().int().min(0) }).strict(),
  sortRegionLines: z.object({ regionId: z.number().int().positive() }).strict(),
  updateLineGeometry: z
    .object({
      lineId: z.number().int().positive(),
      polygon: z.array(pointSchema).min(3).max(10_000),
      baseline: z.array(pointSchema).min(2).max(10_000).nullable(),
    })
    .strict(),
  addLine: z
    .object({
      pageId: z.number().int().positive(),
      polygon: z.array(pointSchema).min(3).max(10_000),
      baseline: z.array(pointSchema).min(2).max(10_000).nullable(),
    })
    .strict(),
  deleteLine: z.object({ lineId: z.number().int().positive(), confirmed: z.boolean().default(false) }).strict(),
  mergeLines: z.object({ lineIds: z.array(z.number().int().positive()).min(2).max(1000) }).strict(),
  splitLine: z
    .object({
      lineId: z.number().int().positive(),
      x: z.number().finite(),
      texts: z.tuple([z.string().max(10_000), z.string().max(10_000)]).optional(),
    })
    .strict(),
  setSplit: z.object({ lineIds: z.array(z.number().int().positive()).min(1).max(100_000), split: z.enum(SPLITS) }).strict(),
  startEvaluation: z.object({ modelId: modelRef, split: z.enum(SPLITS).default('test') }).strict(),
  moveLine: z.object({ lineId: z.number().int().positive(), order: z.number().int().min(0) }).strict(),
  suggestLines: z
    .object({ modelId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(1000).default(50) })
    .strict(),
  reviewLines: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
  cancelJob: z.object({ jobId: z.number().int().positive() }).strict(),
  resumeJob: z.object({ jobId: z.number().int().positive() }).strict(),
  ...workbenchSchemas,
  ...recordSchemas,
} as const;

export type Method = keyof typeof schemas;
export type Request<M extends Method> = z.infer<(typeof schemas)[M]>;

export interface Responses extends WorkbenchResponses, RecordResponses {
  projectInfo: ProjectInfo;
  openProject: ProjectInfo;
  createProject: ProjectInfo;
  listDocuments: DocumentSummary[];
  renameDocument: { ok: true };
  removeDocument: { ok: true };
  restoreDocument: { ok: true };
  /** Documents set aside, in import order, with when and by whom. */
  listRemovedDocuments: RemovedDocument[];
  listPages: PageSummary[];
  importFiles: ImportReport;
  importLineFolder: ImportReport;
  exportDocuments: { files: string[] };
  getPage: PageView;
  saveTranscription: TranscriptionRow;
  lineHistory: TranscriptionRow[];
  search: SearchHit[];
  listModels: ModelSummary[];
  listJobs: JobSummary[];
  addBaseModel: ModelSummary;
  startTraining: { jobId: number };
  startTranscription: { jobId: number };
  segmentPages: SegmentReport;
  segmentRegion: SegmentReport;
  addRegion: { regionId: number };
  updateRegion: { ok: true };
  deleteRegion: { ok: true };
  moveRegion: { ok: true };
  sortRegionLines: { ok: true };
  updateLineGeometry: { ok: true };
  addLine: { lineId: number };
  deleteLine: { ok: true };
  mergeLines: { lineId: number };
  splitLine: { lineIds: [number, number] };
  moveLine: { ok: true };
  setSplit: { changed: number };
  startEvaluation: { jobId: number };
  suggestLines: LineToRead[];
  reviewLines: LineToRead[];
  cancelJob: { ok: true };
  resumeJob: { ok: true };
}

export interface SegmentReport {
  pages: number;
  added: number;
  /** Lines with a human transcription, which segmentation never removes. */
  keptLabeled: number;
  removed: number;
  /** Text regions the segmenter found (a trained model finds them; the classical segmenter none). */
  regions: number;
  /** Which segmenter ran: "bundled", "classical", "project:<jobId>" or a model file. */
  segmenter: string;
  /** Set when the classical segmenter stood in for the model asked for, and why. */
  fallback?: string;
}

/** A line proposed for annotation or proofreading, with where to find it. */
export interface LineToRead {
  lineId: number;
  pageId: number;
  documentId: number;
  documentName: string;
  pageIndex: number;
  /** As LineView's: names the line's current crop. */
  cropKey: string;
  prediction: string;
  /** Lowest character confidence of the prediction, in [0,1]. */
  confidence: number;
}

export interface ModelSummary {
  id: number;
  name: string;
  kind: 'pretrain' | 'finetune';
  parentId: number | null;
  metrics: Record<string, unknown>;
  createdAt: string;
  /** Labeled lines it learned from (all lines, for pretraining); null where unknown (imported). */
  trainingLines: number | null;
  /** Unlabeled lines it learned from through its own readings (semi-supervised), else null. */
  pseudoLines: number | null;
  /** The bundled base model, which cannot be deleted. */
  base: boolean;
  /** Jobs that need it (queued, running or resumable): it cannot be deleted while they do. */
  usedBy: number[];
  /** Lines it has read; those readings go when it is deleted. */
  readings: number;
}

export interface JobSummary {
  id: number;
  kind: string;
  state: string;
  progress: Record<string, unknown>;
  error: string | null;
  /** Lines the job wrote (backend, resumes, results such as an evaluation's CER). */
  log: string;
  modelId: number | null;
  /** What the job was asked to do (shared/job-configs.ts). */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** Why a queued job waits (e.g. for the running job), null otherwise. */
  waiting: string | null;
}

/** The handler table: a missing or mistyped method is a compile error. */
export type QuireApi = { [M in Method]: (request: Request<M>) => Promise<Responses[M]> };

/** Methods that switch the open project belong to the app, not to one project's service. */
export type ProjectApi = Omit<QuireApi, 'openProject' | 'createProject'>;

/** Events pushed from the main process to every connected window. */
export type QuireEvent =
  /** `page`/`pages`: progress inside a multi-page file. */
  | { type: 'import-progress'; file: string; done: number; total: number; page?: number; pages?: number }
  | { type: 'project-changed' }
  | { type: 'segment-progress'; done: number; total: number }
  | { type: 'line-saved'; lineId: number; text: string }
  | {
      type: 'job-progress';
      progress: {
        jobId: number;
        phase: string;
        step: number;
        steps: number;
        loss: number;
        linesPerSecond: number;
        etaSeconds: number;
        validationCer?: number;
      };
    }
  | {
      type: 'job-changed';
      jobId: number;
      state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
      modelId?: number;
      error?: string;
      /** This process's worker found the job taken by another (its resume or cancel came first): `state` is the row's now. */
      elsewhere?: true;
    }
  /** The project's undo history changed: the labels of the next undo and redo. */
  | { type: 'history-changed'; undo: string | null; redo: string | null };

/**
 * Why a call failed, the same from every caller (main/api/dispatch.ts): the request was
 * refused by its schema, the method does not exist, or the method itself failed; on a team
 * server also: no one is signed in (unauthorized), or the account's role may not call it
 * (forbidden, shared/roles.ts); in the app: the window's project is no longer the open one
 * (project-changed: another window opened another project meanwhile).
 */
export const ERROR_CODES = [
  'invalid-request',
  'not-found',
  'failed',
  'unauthorized',
  'forbidden',
  'not-available',
  'project-changed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where a service sends its events (the app: to every window; the CLI: to the terminal). */
export type EventSink = (event: QuireEvent) => void;

/** Errors cross process boundaries as plain data. */
export interface SerializedError {
  code: ErrorCode;
  name: string;
  message: string;
}

export function parseRequest<M extends Method>(method: M, request: unknown): Request<M> {
  const result = schemas[method].safeParse(request ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RequestError(`${method}: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return result.data as Request<M>;
}

export function isMethod(name: string): name is Method {
  return Object.hasOwn(schemas, name);
}

export class RequestError extends Error {
  override name = 'RequestError';
}
