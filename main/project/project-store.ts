// Where work on a project finds it, on either store: `run` carries out the data layer's
// operations (main/db/ops.ts) on its database, and `root` is the folder that holds its files
// (images/, models/): a project folder and its SQLite, or a team server's PostgreSQL store and
// its shared --files folder. Reading lines (main/jobs/read-lines.ts) and a queue worker's
// parts (main/queue) take one of these, so the same code reads a desktop project and a
// server's.
import { join } from 'node:path';
import { desktopRunner } from '../db/execute.ts';
import type { Runner } from '../db/ops.ts';
import { ImageStore } from '../store/image-store.ts';
import type { Project } from './project.ts';

/** Where pages are read from: a project folder, or a server project's shared folder of files. */
export interface PageSource {
  /** Tells one project's pages from another's in the cache of decoded pages. */
  readonly root: string;
  readonly images: ImageStore;
}

export interface ProjectStore extends PageSource {
  readonly run: Runner;
  /** The folder holding images/ and models/. */
  readonly root: string;
}

/** A project folder: its SQLite, run synchronously as the desktop always did, and its own files. */
export const folderStore = (project: Project): ProjectStore => ({
  run: desktopRunner(() => project.db),
  root: project.root,
  images: project.images,
});

/** A server store's operations (`run`) with its shared folder of files. */
export const filesStore = (run: Runner, files: string): ProjectStore => ({
  run,
  root: files,
  images: new ImageStore(join(files, 'images')),
});
