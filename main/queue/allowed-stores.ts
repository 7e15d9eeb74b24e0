// What a worker may open: project folders under its --projects folders (allowed-projects.ts),
// and team servers' PostgreSQL stores it was given by URL (--database, repeatable), their
// shared folders of files under its --files folders. Anyone who can write to Redis can queue
// a task, so a task naming any other store is refused at once, and that store never opened.
// A task names a server store by its URL without a password (storeUrl): the worker connects
// with the URL it was given, its own credentials, so no password travels through Redis, and
// only the URLs' passwords are masked wherever one is shown.
import { UnrecoverableError } from 'bullmq';
import { displayUrl, isServerUrl } from '../db/pg/store.ts';
import { AllowedProjects } from './allowed-projects.ts';
import type { StoreRef } from './tasks.ts';

/**
 * A server store's URL as tasks name it and workers match it: its password (in the user part
 * or the query string) left out, the scheme spelt postgres://.
 */
export function storeUrl(url: string): string {
  const u = new URL(url);
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.delete(key);
  return u.toString().replace(/^postgresql:/i, 'postgres:');
}

export interface StoreAllowList {
  /** Folders under which project folders may be opened (--projects). */
  projects?: readonly string[];
  /** PostgreSQL server stores, by URL (--database). */
  databases?: readonly string[];
  /** Folders under which the server stores' shared folders of files lie (--files). */
  files?: readonly string[];
}

export class AllowedStores {
  private readonly folders: AllowedProjects | undefined;
  private readonly files: AllowedProjects | undefined;
  /** The given URL by the URL tasks name it by. */
  private readonly databases = new Map<string, string>();

  /** Checked before the worker starts: a typo would otherwise refuse every task, and only say so per task. */
  constructor(readonly list: StoreAllowList) {
    const projects = list.projects ?? [];
    const databases = list.databases ?? [];
    if (projects.length === 0 && databases.length === 0)
      throw new Error('a worker needs the stores it may open: --projects DIR[,DIR...] and/or --database postgres://… (with --files DIR)');
    this.folders = projects.length ? new AllowedProjects(projects) : undefined;
    for (const url of databases) {
      if (!isServerUrl(url)) throw new Error(`--database ${displayUrl(url)}: not a postgres:// or postgresql:// URL`);
      this.databases.set(storeUrl(url), url);
    }
    if (databases.length && !list.files?.length)
      throw new Error("--database needs --files DIR: the folder holding the server stores' shared folders of files (images, models)");
    this.files = list.files?.length ? new AllowedProjects(list.files, '--files', 'files folder') : undefined;
  }

  /** The real path of a project folder a task names (AllowedProjects.resolve). */
  folder(root: string): string {
    if (!this.folders)
      throw new UnrecoverableError(`project ${root}: this worker opens no project folders (no --projects); the task is refused`);
    return this.folders.resolve(root);
  }

  /** The URL to connect with (the one given, with its credentials) and the real path of the files, for a server store a task names. */
  server(store: Extract<StoreRef, { kind: 'postgres' }>): { url: string; files: string } {
    const url = this.databases.get(storeUrl(store.url));
    if (!url)
      throw new UnrecoverableError(
        `server store ${displayUrl(store.url)} is not one this worker may open (${this.databaseList() || 'no --database'}); the task is refused`,
      );
    return { url, files: this.files!.resolve(store.files) };
  }

  /** The allowed stores as a log line says them, passwords masked. */
  describe(): string {
    const parts = [];
    if (this.list.projects?.length) parts.push(`projects under ${this.list.projects.join(', ')}`);
    if (this.databases.size) parts.push(`server stores ${this.databaseList()} with files under ${this.list.files!.join(', ')}`);
    return parts.join('; ');
  }

  private databaseList(): string {
    return [...this.databases.values()].map((url) => `--database ${displayUrl(url)}`).join(' ');
  }
}
