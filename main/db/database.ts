// Opens a project database: WAL journal (readers never block the writer, and a crash
// loses at most the transaction in flight), foreign keys on, migrations applied.
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FOREIGN_KEYS_OFF, MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: readonly string[] = MIGRATIONS): Db {
  // An empty file (truncated by a failing disk or a bad copy) would otherwise be taken for
  // a new project and migrated in place: the damage would then look like an empty project.
  // (Its data may still be in the write-ahead log beside it: then it is opened as usual.)
  const wal = `${path}-wal`;
  if (existsSync(path) && statSync(path).size === 0 && !(existsSync(wal) && statSync(wal).size > 0))
    throw new Error(`${path}: the project database is an empty file (truncated or damaged); restore it from a backup`);
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL sync makes every committed transaction durable across power loss, not only crashes.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db?.close();
    // "file is not a database" says nothing of which file.
    const e = error as Error;
    if (typeof e?.message === 'string' && !e.message.includes(path)) e.message = `${path}: ${e.message}`;
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

const newerThanThis = (current: number, known: number) =>
  new Error(`project database has schema version ${current}, newer than this Quire understands (${known}); update Quire`);

/**
 * Applies the migrations the database lacks, each in its own IMMEDIATE transaction that
 * reads the version again once it holds the write lock: another process opening the same
 * out-of-date project at the same time may have applied it meanwhile, and then it is skipped
 * (run twice, a migration fails, e.g. on a duplicate column).
 */
export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): void {
  let current = schemaVersion(db);
  while (current < migrations.length) {
    const v = current;
    // A table rebuild (migrations.ts): the pragma is a no-op inside a transaction, so it is set around it.
    const keysOff = migrations[v].trimStart().startsWith(FOREIGN_KEYS_OFF);
    const keysWere = db.pragma('foreign_keys', { simple: true }) as number;
    if (keysOff) db.pragma('foreign_keys = OFF');
    try {
      current = db
        .transaction(() => {
          const now = schemaVersion(db);
          if (now !== v) return now; // migrated meanwhile by another process
          db.exec(migrations[v]);
          if (keysOff) {
            const broken = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
            if (broken.length)
              throw new Error(
                `migration ${v + 1} would break ${broken.length} foreign key(s) (first: ${broken[0].table} row ${broken[0].rowid} → ${broken[0].parent})`,
              );
          }
          db.pragma(`user_version = ${v + 1}`);
          return v + 1;
        })
        .immediate();
    } finally {
      if (keysOff) db.pragma(`foreign_keys = ${keysWere ? 'ON' : 'OFF'}`);
    }
  }
  if (current > migrations.length) throw newerThanThis(current, migrations.length);
}
