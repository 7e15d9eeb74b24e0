// Where an imported file came from, as a person would name it. A desktop or CLI import knows
// the file's real path and records it. A browser-mode upload is first written to a temporary
// staging folder (main/transport/uploads.ts) that is gone once the import ends, and browsers do
// not reveal the client's path: the path under that folder — the file's own name — is what the
// user chose, so that is recorded and shown. An async context rather than a parameter, as for
// the author (main/project/author.ts): the upload route calls the dispatcher's importFiles,
// whose request names only paths, and the context follows the call down to the importers.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isAbsolute, relative, resolve } from 'node:path';

const staged = new AsyncLocalStorage<string>();

/** Runs `fn` (an import of files staged in `dir`) so that it records the files' names within `dir`. */
export const importingUpload = <T>(dir: string, fn: () => T): T => staged.run(resolve(dir), fn);

/** True inside importingUpload: the files were uploaded, not read from the user's folders. */
export const isUpload = (): boolean => staged.getStore() !== undefined;

/** The source to record and show for `file`: its path, or for an upload its name within the staging folder. */
export function sourceOf(file: string): string {
  const dir = staged.getStore();
  if (dir === undefined) return file;
  const inside = relative(dir, resolve(file));
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}
