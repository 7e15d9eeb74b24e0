// Per-project settings (the current model, the Training panel's last choices): JSON values
// by key in the project's database, so they travel with the project. Browser mode gets a
// new port, hence a new localStorage, at every launch; the database does not change.
import type { Project } from './project.ts';

export function getSetting<T>(project: Project, key: string): T | undefined {
  const row = project.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as T) : undefined;
}

/** `undefined` removes the setting. */
export function setSetting(project: Project, key: string, value: unknown): void {
  if (value === undefined) {
    project.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  project.db
    .prepare(
      `INSERT INTO settings (key, value) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    )
    .run(key, JSON.stringify(value));
}
