// A project is a folder: quire.db (SQLite) and images/ (content-addressed files).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openDatabase, type Db } from '../db/database.ts';
import { ImageStore } from '../store/image-store.ts';
import { removeStaleTemps } from '../fs/atomic.ts';
import { removeAbandonedImports } from '../db/documents.ts';

export const DB_FILE = 'quire.db';

export class Project {
  private constructor(
    readonly root: string,
    readonly db: Db,
    readonly images: ImageStore,
  ) {}

  get name(): string {
    return basename(this.root);
  }

  /** Creates a new project folder (it may exist but must be empty of a project). */
  static init(dir: string): Project {
    const root = resolve(dir);
    if (existsSync(join(root, DB_FILE))) throw new Error(`${root} already holds a Quire project`);
    if (existsSync(root) && readdirSync(root).length > 0) throw new Error(`${root} is not empty; choose a new folder for the project`);
    mkdirSync(root, { recursive: true });
    return Project.openAt(root);
  }

  static open(dir: string): Project {
    const root = resolve(dir);
    if (!existsSync(join(root, DB_FILE)))
      throw new Error(`${root} is not a Quire project (no ${DB_FILE}); create one with \`quire init ${dir}\``);
    return Project.openAt(root);
  }

  /**
   * Opens a project that processes on other machines also use (a queue worker's, on a shared
   * path): the crash cleanup is left to the desktop, since a process id recorded by another
   * machine says nothing here, and an import in progress there would look abandoned.
   */
  static openShared(dir: string): Project {
    const root = resolve(dir);
    if (!existsSync(join(root, DB_FILE))) throw new Error(`${root} is not a Quire project (no ${DB_FILE})`);
    return new Project(root, openDatabase(join(root, DB_FILE)), new ImageStore(join(root, 'images')));
  }

  private static openAt(root: string): Project {
    const project = new Project(root, openDatabase(join(root, DB_FILE)), new ImageStore(join(root, 'images')));
    // Leftovers of a crash: half-written documents of a dead importer, and temporary
    // files of atomic writes that were killed before their rename.
    removeAbandonedImports(project.db);
    removeStaleTemps(project.root, 3);
    return project;
  }

  close(): void {
    this.db.close();
  }
}
