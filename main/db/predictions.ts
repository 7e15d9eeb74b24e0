// Model readings of lines: one per line and model, replaced when the model reads it again.
import { sql } from 'kysely';
import { all, qb, run, template, type Db } from './execute.ts';
import { notExcluded } from './line-sets.ts';

export interface Reading {
  text: string;
  confidence: number;
  /** JSON array of per-character confidences. */
  charConfidence: string;
}

// Built once: a transcription job stores a reading for every line.
const upsertQuery = template<{ lineId: number; modelId: number; text: string; confidence: number; chars: string }>((p) =>
  qb
    .insertInto('predictions')
    .values({ line_id: p('lineId'), model_id: p('modelId'), text: p('text'), confidence: p('confidence'), char_confidence: p('chars') })
    .onConflict((oc) =>
      oc.columns(['line_id', 'model_id']).doUpdateSet({
        text: (eb) => eb.ref('excluded.text'),
        confidence: (eb) => eb.ref('excluded.confidence'),
        char_confidence: (eb) => eb.ref('excluded.char_confidence'),
        created_at: sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      }),
    ),
);

/** Stores a model's reading of a line, replacing its earlier one. */
export const upsertPrediction = (db: Db, lineId: number, modelId: number, r: Reading): void => {
  run(db, upsertQuery({ lineId, modelId, text: r.text, confidence: r.confidence, chars: r.charConfidence }));
};

export interface StoredReading {
  lineId: number;
  pageId: number;
  sourceName: string | null;
  text: string;
  confidence: number;
}

/** A model's stored readings of the lines that are for transcription, in reading order. */
export const modelReadings = (db: Db, modelId: number): StoredReading[] =>
  all(
    db,
    qb
      .selectFrom('lines as l')
      .innerJoin('predictions as p', (j) => j.onRef('p.line_id', '=', 'l.id').on('p.model_id', '=', modelId))
      .select(['l.id as lineId', 'l.page_id as pageId', 'l.source_name as sourceName', 'p.text', 'p.confidence'])
      .where(notExcluded())
      .orderBy('l.page_id')
      .orderBy('l.reading_order')
      .orderBy('l.id'),
  );
