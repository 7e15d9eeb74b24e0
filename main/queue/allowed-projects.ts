// The folders a worker may open projects under (`quire worker --projects DIR[,DIR...]`).
// A task names its project by path, and anyone who can write to Redis can queue a task: without
// this gate a worker would open (and write readings into) any Quire project its user can reach.
// Paths are compared as the file system resolves them, symbolic links and `..` included, so
// neither a link inside an allowed folder nor `ALLOWED/../elsewhere` leads out of it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UnrecoverableError } from 'bullmq';

/** Whether `path` is `root` or lies beneath it (both absolute and normalized). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

export class AllowedProjects {
  /** The allowed folders' real paths. */
  readonly roots: string[];

  /**
   * Each folder must exist: a typo would otherwise refuse every task, and only say so per task.
   * `option` and `what` name the gate in messages: --projects for project folders, --files for
   * server stores' shared folders of files.
   */
  constructor(
    private readonly folders: readonly string[],
    private readonly option = '--projects',
    private readonly what = 'project',
  ) {
    if (folders.length === 0) throw new Error(`a worker needs at least one folder (${option}) under which it may open a ${what}`);
    this.roots = folders.map((folder) => {
      let real: string;
      try {
        real = realpathSync(folder);
      } catch {
        throw new Error(`${option}: ${folder} does not exist`);
      }
      if (!statSync(real).isDirectory()) throw new Error(`${option}: ${folder} is not a folder`);
      return real;
    });
  }

  /**
   * The real path of the project folder a task names, when it lies under an allowed folder:
   * the worker opens that path, not the one the task gave, so what was checked is what is
   * opened. A path outside is an UnrecoverableError (BullMQ fails the task without retrying
   * it: no retry can make it allowed). A path inside that does not exist (a shared folder not
   * mounted yet) is an ordinary error, retried as the task allows.
   */
  resolve(path: string): string {
    if (!isAbsolute(path)) throw new UnrecoverableError(`${this.what} ${path} is not an absolute path; the task is refused`);
    const real = realPath(resolve(path));
    if (!this.roots.some((root) => isWithin(root, real)))
      throw new UnrecoverableError(
        `${this.what} ${path} is outside the folders this worker may open (${this.option} ${this.folders.join(',')}); the task is refused`,
      );
    if (!existsSync(real)) throw new Error(`${this.what} ${path} does not exist on this worker`);
    return real;
  }
}

/** The path with its longest existing ancestor's links resolved (all of it when it exists). */
function realPath(path: string): string {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      return resolve(realpathSync(dir), relative(dir, path));
    } catch {
      if (dirname(dir) === dir) return path;
    }
  }
}
