// `quire migrate`: moves a whole project between the desktop store (a project folder:
// quire.db beside images/, models/, checkpoints/, segmenters/) and the server store (a
// PostgreSQL database, and a shared folder holding what the project folder holds beside
// its database), both ways, without loss: every row with its id (main/db/pg/copy.ts), every
// file byte for byte.
//
// The destination changes all at once or not at all: the rows go in one transaction; the
// files are copied (each atomically) before it commits, and removed again if it does not.
// When the connection drops during the COMMIT, the server is asked afterwards whether it
// committed (copy.ts); if that cannot be told, the files are kept and the error names them. A
// desktop destination is built in a folder beside the target and renamed into place last.
// The source is only read.
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MIGRATIONS } from '../db/migrations.ts';
import { CommitUnknownError, copyDesktopToServer, copyServerToDesktop, type RowCounts } from '../db/pg/copy.ts';
import { MIRRORS_SQLITE_VERSION } from '../db/pg/migrations.ts';
import { displayUrl, isServerUrl, openServerStore } from '../db/pg/store.ts';
import { fsyncDir, isTempName, processAlive } from '../fs/atomic.ts';
import { copyTree, nothingCopied, removeCopied, type Copied } from '../fs/copy-tree.ts';
import { DB_FILE, Project } from './project.ts';

export interface MoveRequest {
  /** A project folder or a postgres:// URL. */
  from: string;
  /** A project folder or a postgres:// URL, holding no project yet. */
  to: string;
  /** The server's shared folder for the project's files (images, models…). */
  files?: string;
  /** Progress for people: a table's rows, the files so far. */
  progress?: (message: string) => void;
  /** To the server: how long to ask whether a COMMIT that got no answer happened (copy.ts). */
  commitCheckMs?: number;
}

export interface MoveResult {
  from: string;
  to: string;
  files: string;
  rows: RowCounts;
  fileCount: number;
  bytes: number;
}

/** The database and its journal files: moved as rows, never as files. */
const DATABASE_FILES = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`]);
/** What is not the project's own: its database files, and temporary files of writes in flight. */
const notProjectFile = (path: string) => DATABASE_FILES.has(path) || isTempName(basename(path));

export async function moveProject(r: MoveRequest): Promise<MoveResult> {
  if (isServerUrl(r.from) === isServerUrl(r.to))
    throw new Error('quire migrate moves a project between a project folder and a postgres:// URL: one of FROM and TO must be each');
  if (!r.files) throw new Error('--files DIR is required: the shared folder that holds the server project’s images and models');
  // A desktop column the server schema lacks would be lost on the way.
  if (MIGRATIONS.length !== MIRRORS_SQLITE_VERSION)
    throw new Error(`this Quire's server schema matches desktop schema ${MIRRORS_SQLITE_VERSION}, not ${MIGRATIONS.length}`);
  const files = resolve(r.files);
  return isServerUrl(r.to) ? toServer(r.from, r.to, files, r) : fromServer(r.from, r.to, files, r.progress);
}

const say = (progress: MoveRequest['progress']) => ({
  rows: (table: string, n: number) => progress?.(`${table}: ${n} row(s)`),
  files: (c: Copied) => c.files.length % 100 === 0 && progress?.(`files: ${c.files.length} (${megabytes(c.bytes)})`),
  done: (c: Copied) => progress?.(`files: ${c.files.length} (${megabytes(c.bytes)}), done`),
});

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function toServer(dir: string, url: string, files: string, { progress, commitCheckMs }: MoveRequest): Promise<MoveResult> {
  if (existsSync(files) && readdirSync(files).length > 0)
    throw new Error(`${files} is not empty: the server project's files go into a new or empty folder`);
  const project = Project.open(dir);
  const copied = nothingCopied();
  const tell = say(progress);
  try {
    const store = await openServerStore(url);
    try {
      const rows = await copyDesktopToServer(project.db, store, {
        where: displayUrl(url),
        progress: tell.rows,
        commitCheckMs,
        beforeCommit: async () => {
          copyTree(project.root, files, { skip: notProjectFile, copied, onFile: tell.files });
          tell.done(copied);
        },
      });
      return { from: project.root, to: displayUrl(url), files, rows, fileCount: copied.files.length, bytes: copied.bytes };
    } finally {
      await store.end();
    }
  } catch (error) {
    // Files of a project that may be on the server are its files: never removed on a guess.
    if (error instanceof CommitUnknownError)
      throw new Error(
        `${error.message}. The files copied to ${files} are kept: if the server's documents table has rows, the move happened and they are the project's; if not, empty ${files} before migrating again`,
      );
    removeCopied(copied);
    throw error;
  } finally {
    project.close();
  }
}

const buildingPrefix = (target: string) => `.${basename(target)}.migrating-`;

/**
 * Removes the half-built folders of migrates into `target` whose process is gone: one killed
 * before its rename leaves a hidden copy of the whole project (files included) that nothing
 * else would ever take away. One bearing this process's id is from before a reboot.
 */
function removeAbandonedBuilds(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const prefix = buildingPrefix(target);
  for (const name of readdirSync(parent)) {
    const pid = Number(name.slice(prefix.length));
    if (name.startsWith(prefix) && Number.isInteger(pid) && (pid === process.pid || !processAlive(pid)))
      rmSync(join(parent, name), { recursive: true, force: true });
  }
}

async function fromServer(url: string, dir: string, files: string, progress: MoveRequest['progress']): Promise<MoveResult> {
  if (!existsSync(files) || !statSync(files).isDirectory())
    throw new Error(`${files} is not a folder: name the server project's files with --files`);
  const target = resolve(dir);
  if (existsSync(join(target, DB_FILE))) throw new Error(`${target} already holds a Quire project; migrate into a new folder`);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty; migrate into a new folder`);
  // Built beside the target (same file system, so the rename is atomic) and renamed last.
  const building = join(dirname(target), `${buildingPrefix(target)}${process.pid}`);
  removeAbandonedBuilds(target);
  const tell = say(progress);
  try {
    // Only read: a database that is not a Quire store is refused, not given the schema.
    const store = await openServerStore(url, { existing: true });
    let result: MoveResult;
    try {
      const project = Project.init(building);
      try {
        const copied = nothingCopied();
        const rows = await copyServerToDesktop(store, project.db, {
          where: target,
          progress: tell.rows,
          beforeCommit: async () => {
            copyTree(files, building, { skip: notProjectFile, copied, onFile: tell.files });
            tell.done(copied);
          },
        });
        result = { from: displayUrl(url), to: target, files, rows, fileCount: copied.files.length, bytes: copied.bytes };
      } finally {
        project.close();
      }
    } finally {
      await store.end();
    }
    if (existsSync(target)) rmdirSync(target); // empty (checked above): the rename replaces it
    renameSync(building, target);
    fsyncDir(dirname(target));
    return result;
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}
