// Model versions: one row per trained recognizer, its weights a file named by their hash.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below and
// on the server store by the team server.
import type { Selectable } from 'kysely';
import type { ModelsTable } from './schema.ts';
import { onDesktop, qb } from './execute.ts';
import { readingsBy } from './predictions.ts';
import { all, first, found, lastId, map, none, run, step, transaction } from './ops.ts';

export interface ModelRow {
  name: string;
  kind: ModelsTable['kind'];
  parentId: number | null;
  /** JSON. */
  config: string;
  metrics: string;
  trainingSet: string;
  weightsHash: string;
  backend: string | null;
  durationS: number | null;
}

/** A version's row as read. */
export type StoredModel = Selectable<ModelsTable>;

export const models = {
  insertModel: (m: ModelRow) =>
    map(
      run(
        qb.insertInto('models').values({
          name: m.name,
          kind: m.kind,
          parent_id: m.parentId,
          config: m.config,
          metrics: m.metrics,
          training_set: m.trainingSet,
          weights_hash: m.weightsHash,
          backend: m.backend,
          duration_s: m.durationS,
        }),
      ),
      lastId,
    ),

  modelRow: (id: number) => first<StoredModel>(qb.selectFrom('models').selectAll().where('id', '=', id)),

  /** Every version, oldest first. */
  modelRows: () => all<StoredModel>(qb.selectFrom('models').selectAll().orderBy('id')),

  modelExists: (id: number) => map(first(qb.selectFrom('models').select('id').where('id', '=', id)), found),

  setModelName: (id: number, name: string) => none(run(qb.updateTable('models').set({ name }).where('id', '=', id))),

  /** `metrics`: JSON. */
  setModelMetrics: (id: number, metrics: string) => none(run(qb.updateTable('models').set({ metrics }).where('id', '=', id))),

  /** Deletes a version; versions fine-tuned from it lose their parent. */
  deleteModel: (id: number) =>
    transaction(function* () {
      yield* step(run(qb.updateTable('models').set({ parent_id: null }).where('parent_id', '=', id)));
      yield* step(run(qb.deleteFrom('models').where('id', '=', id)));
    }),

  /** Whether any version's weights are the file with this hash. */
  weightsInUse: (hash: string) => map(first(qb.selectFrom('models').select('id').where('weights_hash', '=', hash)), found),

  /** How many lines each model has read. */
  readingCounts: () =>
    map(
      all(
        qb
          .selectFrom('predictions')
          .select((eb) => ['model_id', eb.fn.countAll<number>().as('n')])
          .groupBy('model_id'),
      ),
      (rows) => new Map(rows.map((r) => [r.model_id, r.n])),
    ),

  /** How many lines the model has read. */
  readingCount: (modelId: number) => readingsBy('model_id', modelId),
};

export const {
  insertModel,
  modelRow,
  modelRows,
  modelExists,
  setModelName,
  setModelMetrics,
  deleteModel,
  weightsInUse,
  readingCounts,
  readingCount,
} = onDesktop(models);
