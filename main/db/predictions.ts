// Model readings of lines: one per line and model, replaced when the model reads it again.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below and
// on the server store by the team server.
import { now, onDesktop, qb, template } from './execute.ts';
import { inChunks } from './id-chunks.ts';
import { inDataset } from './line-sets.ts';
import { all, changed, first, map, run, type Program } from './ops.ts';

export interface Reading {
  text: string;
  confidence: number;
  /** JSON array of per-character confidences. */
  charConfidence: string;
}

// Built once: a transcription job stores a reading for every line. A reading this job has
// already stored is kept as it is (the update's WHERE is false, so no row changes): a chunk
// redone after its worker died skips the lines it had written, in the same statement.
const upsertQuery = template<{
  lineId: number;
  modelId: number;
  jobId: number | null;
  text: string;
  confidence: number;
  chars: string;
  min: number;
}>((p) =>
  qb
    .insertInto('predictions')
    .values({
      line_id: p('lineId'),
      model_id: p('modelId'),
      job_id: p('jobId'),
      text: p('text'),
      confidence: p('confidence'),
      char_confidence: p('chars'),
      min_confidence: p('min'),
    })
    .onConflict((oc) =>
      oc
        .columns(['line_id', 'model_id'])
        .doUpdateSet({
          text: (eb) => eb.ref('excluded.text'),
          confidence: (eb) => eb.ref('excluded.confidence'),
          char_confidence: (eb) => eb.ref('excluded.char_confidence'),
          min_confidence: (eb) => eb.ref('excluded.min_confidence'),
          job_id: (eb) => eb.ref('excluded.job_id'),
          created_at: now,
        })
        // Not SQLite's null-safe `IS NOT`, which PostgreSQL says as IS DISTINCT FROM: the same in words both know.
        .where((eb) =>
          eb.or([
            eb('excluded.job_id', 'is', null),
            eb('predictions.job_id', 'is', null),
            eb('predictions.job_id', '!=', eb.ref('excluded.job_id')),
          ]),
        ),
    ),
);

/** The confidence Review and Annotate next rank a reading by: its least confident character, or the line's where it has none. */
export const leastConfidentOf = (chars: readonly number[], lineConfidence: number): number =>
  chars.length ? chars.reduce((least, c) => Math.min(least, c), Infinity) : lineConfidence;

/** leastConfidentOf a stored reading (its characters' confidences as JSON). */
export const leastConfident = (r: Pick<Reading, 'confidence' | 'charConfidence'>): number =>
  leastConfidentOf(JSON.parse(r.charConfidence) as number[], r.confidence);

export interface StoredReading {
  lineId: number;
  pageId: number;
  sourceName: string | null;
  text: string;
  confidence: number;
}

/** How many readings a model made, or a job stored. */
export const readingsBy = (by: 'model_id' | 'job_id', id: number) =>
  map(
    first(
      qb
        .selectFrom('predictions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(by, '=', id),
    ),
    (r) => r?.n ?? 0,
  );

export const predictions = {
  /**
   * Stores a model's reading of a line, replacing its earlier one, unless the same job
   * (`jobId`) stored it already. Answers whether it wrote.
   */
  upsertPrediction: (lineId: number, modelId: number, r: Reading, jobId: number | null = null) =>
    map(
      run(upsertQuery({ lineId, modelId, jobId, text: r.text, confidence: r.confidence, chars: r.charConfidence, min: leastConfident(r) })),
      changed,
    ),

  /** Which of these lines the job has stored a reading of (the ids asked in slices, see id-chunks.ts). */
  *linesReadByJob(jobId: number, lineIds: readonly number[]): Program<Set<number>> {
    const rows = yield* inChunks(lineIds, (ids) =>
      all(qb.selectFrom('predictions').select('line_id').where('job_id', '=', jobId).where('line_id', 'in', ids)),
    );
    return new Set(rows.map((r) => r.line_id));
  },

  /** How many readings the job stored (one per line at most: the key is line and model). */
  jobReadingCount: (jobId: number) => readingsBy('job_id', jobId),

  /** A model's stored readings of the lines that are for transcription (inDataset), in reading order. */
  modelReadings: (modelId: number) =>
    all<StoredReading>(
      qb
        .selectFrom('lines as l')
        .innerJoin('predictions as p', (j) => j.onRef('p.line_id', '=', 'l.id').on('p.model_id', '=', modelId))
        .select(['l.id as lineId', 'l.page_id as pageId', 'l.source_name as sourceName', 'p.text', 'p.confidence'])
        .where(inDataset())
        .orderBy('l.page_id')
        .orderBy('l.reading_order')
        .orderBy('l.id'),
    ),
};

export const { upsertPrediction, linesReadByJob, jobReadingCount, modelReadings } = onDesktop(predictions);
