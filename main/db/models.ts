// Model versions: one row per trained recognizer, its weights a file named by their hash.
import type { ModelsTable } from './schema.ts';
import { all, first, qb, run, transaction, type Db } from './execute.ts';

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

export const insertModel = (db: Db, m: ModelRow): number =>
  run(
    db,
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
  ).lastId;

export const modelRow = (db: Db, id: number) => first(db, qb.selectFrom('models').selectAll().where('id', '=', id));

/** Every version, oldest first. */
export const modelRows = (db: Db) => all(db, qb.selectFrom('models').selectAll().orderBy('id'));

export const modelExists = (db: Db, id: number): boolean =>
  first(db, qb.selectFrom('models').select('id').where('id', '=', id)) !== undefined;

export const setModelName = (db: Db, id: number, name: string): void => {
  run(db, qb.updateTable('models').set({ name }).where('id', '=', id));
};

/** `metrics`: JSON. */
export const setModelMetrics = (db: Db, id: number, metrics: string): void => {
  run(db, qb.updateTable('models').set({ metrics }).where('id', '=', id));
};

/** Deletes a version; versions fine-tuned from it lose their parent. */
export const deleteModel = (db: Db, id: number): void =>
  transaction(db, () => {
    run(db, qb.updateTable('models').set({ parent_id: null }).where('parent_id', '=', id));
    run(db, qb.deleteFrom('models').where('id', '=', id));
  });

/** Whether any version's weights are the file with this hash. */
export const weightsInUse = (db: Db, hash: string): boolean =>
  first(db, qb.selectFrom('models').select('id').where('weights_hash', '=', hash)) !== undefined;

/** How many lines each model has read. */
export const readingCounts = (db: Db): Map<number, number> =>
  new Map(
    all(
      db,
      qb
        .selectFrom('predictions')
        .select((eb) => ['model_id', eb.fn.countAll<number>().as('n')])
        .groupBy('model_id'),
    ).map((r) => [r.model_id, r.n]),
  );

/** How many lines the model has read. */
export const readingCount = (db: Db, modelId: number): number =>
  first(
    db,
    qb
      .selectFrom('predictions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model_id', '=', modelId),
  )!.n;
