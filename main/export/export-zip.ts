// An export as one zip, for browser mode (a page cannot be handed a folder): the export is
// written to a temporary folder as `quire export` writes it, then streamed as a zip whose
// entries keep those names. Images are stored as they are (already compressed), text
// and XML deflated. The temporary folder goes when the zip is written, or fails.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { exportName } from '../../shared/export-formats.ts';
import type { ExportDownload } from '../../shared/workbench-api.ts';
import { exportReads } from '../db/exports.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type ProjectStore } from '../project/project-store.ts';
import { exportFrom } from './export-project.ts';

export interface ExportZip {
  /** File name for the download. */
  name: string;
  files: number;
  /** Streams the zip to `out` and ends it; the temporary files are removed either way. */
  write(out: Writable): Promise<void>;
  /** Removes the temporary files without writing (when the answer cannot be sent). */
  discard(): void;
}

const STORED = /\.(png|jpe?g|tiff?|webp)$/i;

/** An export of a project folder. */
export const prepareExportZip = (project: Project, request: ExportDownload): Promise<ExportZip> =>
  prepareExportZipFrom(folderStore(project), project.name, request);

/** An export of a project on either store, `projectName` naming the download. */
export async function prepareExportZipFrom(store: ProjectStore, projectName: string, request: ExportDownload): Promise<ExportZip> {
  const dir = mkdtempSync(join(tmpdir(), 'quire-export-'));
  const discard = () => rmSync(dir, { recursive: true, force: true });
  let files: string[];
  try {
    files = (await exportFrom(store, { ...request, out: dir })).files;
    if (files.length === 0) {
      throw new Error(
        request.format === 'gt'
          ? 'nothing to export: no line has a human transcription yet'
          : 'nothing to export: the chosen documents have no pages',
      );
    }
  } catch (error) {
    discard();
    throw error;
  }
  const document = request.documentIds?.length === 1 ? await store.run(exportReads.documentName(request.documentIds[0])) : undefined;
  return {
    name: `${exportName(projectName, document ?? null, request.format)}.zip`,
    files: files.length,
    discard,
    async write(out) {
      try {
        await streamZip(dir, files, out);
      } finally {
        discard();
      }
    },
  };
}

/** Streams `files` (under `dir`) to `out` as a zip, one file in memory at a time, and ends `out`. */
export async function streamZip(dir: string, files: string[], out: Writable): Promise<void> {
  let failed: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failed = error;
    else out.write(chunk);
    if (final) out.end();
  });
  for (const file of files) {
    const name = relative(dir, file).split(sep).join('/');
    const entry = STORED.test(name) ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(readFileSync(file), true);
    if (failed) throw failed;
    // One file at a time in memory: wait while the connection is behind.
    if (out.writableNeedDrain) await firstOf(out, 'drain', 'close');
    if (out.destroyed) throw new Error('the download was stopped');
  }
  zip.end();
  if (failed) throw failed;
  if (!out.writableFinished) await firstOf(out, 'finish', 'close');
}

/**
 * Waits for the first of two events. The other's `once` listeners (and the `error` listener
 * each adds) are taken off after: a download waits for `drain` once per file, and listeners
 * left behind pile up on the response (MaxListenersExceededWarning past ten).
 */
async function firstOf(out: Writable, a: string, b: string): Promise<void> {
  const stop = new AbortController();
  try {
    // The race handles the loser's AbortError: it is no unhandled rejection.
    await Promise.race([once(out, a, { signal: stop.signal }), once(out, b, { signal: stop.signal })]);
  } finally {
    stop.abort();
  }
}
