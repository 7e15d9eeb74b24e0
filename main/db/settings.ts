// Per-project settings: JSON values by key. Store-neutral operations (ops.ts), run on the
// desktop by the functions exported below and on the server store by the team server.
import { now, onDesktop, qb } from './execute.ts';
import { first, map, none, run } from './ops.ts';

export const settings = {
  getSetting: <T>(key: string) =>
    map(first(qb.selectFrom('settings').select('value').where('key', '=', key)), (row) => (row ? (JSON.parse(row.value) as T) : undefined)),

  /** `undefined` removes the setting. */
  setSetting: (key: string, value: unknown) =>
    none(
      value === undefined
        ? run(qb.deleteFrom('settings').where('key', '=', key))
        : run(
            qb
              .insertInto('settings')
              .values({ key, value: JSON.stringify(value) })
              .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: now })),
          ),
    ),
};

const desktop = onDesktop(settings);

export const getSetting = <T>(db: Parameters<typeof desktop.getSetting>[0], key: string): T | undefined =>
  desktop.getSetting(db, key) as T | undefined;

export const { setSetting } = desktop;
