// Per-project settings (the current model, the Training panel's last choices): JSON values
// by key in the project's database, so they travel with the project. Browser mode gets a
// new port, hence a new localStorage, at every launch; the database does not change.
import * as settings from '../db/settings.ts';
import type { Project } from './project.ts';

export const getSetting = <T>(project: Project, key: string): T | undefined => settings.getSetting<T>(project.db, key);

/** `undefined` removes the setting. */
export const setSetting = (project: Project, key: string, value: unknown): void => settings.setSetting(project.db, key, value);
