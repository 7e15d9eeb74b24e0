// Per-project settings: JSON values by key.
import { first, now, qb, run, type Db } from './execute.ts';

export function getSetting<T>(db: Db, key: string): T | undefined {
  const row = first(db, qb.selectFrom('settings').select('value').where('key', '=', key));
  return row ? (JSON.parse(row.value) as T) : undefined;
}

/** `undefined` removes the setting. */
export function setSetting(db: Db, key: string, value: unknown): void {
  if (value === undefined) {
    run(db, qb.deleteFrom('settings').where('key', '=', key));
    return;
  }
  run(
    db,
    qb
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: now })),
  );
}
