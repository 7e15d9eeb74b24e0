// Model readings of lines: one per line and model, replaced when the model reads it again.
import { sql } from 'kysely';
import { qb, run, type Db } from './execute.ts';

export interface Reading {
  text: string;
  confidence: number;
  /** JSON array of per-character confidences. */
  charConfidence: string;
}

/** Stores a model's reading of a line, replacing its earlier one. */
export const upsertPrediction = (db: Db, lineId: number, modelId: number, r: Reading): void => {
  run(
    db,
    qb
      .insertInto('predictions')
      .values({ line_id: lineId, model_id: modelId, text: r.text, confidence: r.confidence, char_confidence: r.charConfidence })
      .onConflict((oc) =>
        oc.columns(['line_id', 'model_id']).doUpdateSet({
          text: (eb) => eb.ref('excluded.text'),
          confidence: (eb) => eb.ref('excluded.confidence'),
          char_confidence: (eb) => eb.ref('excluded.char_confidence'),
          created_at: sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
        }),
      ),
  );
};
