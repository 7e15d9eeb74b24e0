// Model readings of lines: one per line and model, replaced when the model reads it again.
import { sql } from 'kysely';
import { qb, run, template, type Db } from './execute.ts';

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
