// Opens a project database: WAL journal (readers never block the writer, and a crash
// loses at most the transaction in flight), foreign keys on, migrations applied.
import Database from 'better-sqlite3';
import { FOREIGN_KEYS_OFF, MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: readonly string[] = MIGRATIONS): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // FULL sync makes every committed transaction durable across power loss, not only crashes.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `project database has schema version ${current}, newer than this Quire understands (${migrations.length}); update Quire`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    // A table rebuild (migrations.ts): the pragma is a no-op inside a transaction, so it is set around it.
    const keysOff = migrations[v].trimStart().startsWith(FOREIGN_KEYS_OFF);
    const keysWere = db.pragma('foreign_keys', { simple: true }) as number;
    if (keysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migrations[v]);
        if (keysOff) {
          const broken = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
          if (broken.length)
            throw new Error(
              `migration ${v + 1} would break ${broken.length} foreign key(s) (first: ${broken[0].table} row ${broken[0].rowid} → ${broken[0].parent})`,
            );
        }
        db.pragma(`user_version = ${v + 1}`);
      })();
    } finally {
      if (keysOff) db.pragma(`foreign_keys = ${keysWere ? 'ON' : 'OFF'}`);
    }
  }
}
