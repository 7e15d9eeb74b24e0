// Imports a folder of line images (kraken/Calamari/OCR-D convention): NAME.png with an
// optional NAME.gt.txt holding its transcription. All lines of a folder form one
// document; each line is its own page. Lines already imported (same pixels) are skipped.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { emptyImportReport, type ImportReport, type Split } from '../../shared/api.ts';
import { decodePages, IMAGE_EXTENSIONS, type DecodedPage } from '../images/decode.ts';
import { rectangle } from '../io/layout.ts';
import { documentBySourceHash, existingDocumentLabel, insertDocument } from '../db/documents.ts';
import { transaction } from '../db/execute.ts';
import { insertPage, lineImageInDocument, nextPageIndex } from '../db/pages.ts';
import type { Project } from '../project/project.ts';
import { sha256 } from '../store/image-store.ts';
import type { ImportOptions } from './import-options.ts';
import { insertLines } from './insert-lines.ts';
import { removeImageIfUnused } from './document-writer.ts';
import { insideRoots, MAX_IMAGE_BYTES, readRegularFile, reasonOf, UnsafeFileError } from './safe-files.ts';
import { stableSplit } from './split.ts';

const isImage = (file: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
const MAX_GT_BYTES = 1 << 20;

export async function importLineFolder(
  project: Project,
  folder: string,
  split?: Split,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const root = resolve(folder);
  const report = emptyImportReport();
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    report.failed.push({ file: root, reason: 'not a folder' });
    return report;
  }
  const files = readdirSync(root)
    .filter(isImage)
    .sort()
    .map((f) => join(root, f));
  const sourceHash = sha256(Buffer.from(`lines:${root}`));
  const db = project.db;
  if (files.length === 0) {
    report.failed.push({ file: root, reason: 'no line images (PNG, JPEG or TIFF) in the folder' });
    return report;
  }
  const existing = documentBySourceHash(db, sourceHash);
  // Lines added to a removed document would be out of sight with it.
  if (existing?.removedAt) {
    report.failed.push({ file: root, reason: `the folder is ${existingDocumentLabel(existing)}` });
    return report;
  }
  // Made with its first line: a folder whose every file fails leaves no empty document behind.
  let documentId = existing?.id;
  let lines = 0;
  for (const [i, file] of files.entries()) {
    options.onProgress?.({ file, done: i, total: files.length });
    const name = basename(file);
    const gtFile = join(root, `${basename(file, extname(file))}.gt.txt`);
    let page: DecodedPage;
    let text: string | undefined;
    try {
      if (!insideRoots(file, [root])) throw new UnsafeFileError(`${file}: links to a file outside the imported folder; refused`);
      [page] = await decodePages(file, readRegularFile(file, options.maxImageBytes ?? MAX_IMAGE_BYTES), { ...options, maxPages: 1 });
      if (existsSync(gtFile)) {
        if (!insideRoots(gtFile, [root])) throw new UnsafeFileError(`${gtFile}: links to a file outside the imported folder; refused`);
        text = readGroundTruth(gtFile);
      }
    } catch (error) {
      report.failed.push({ file, reason: reasonOf(file, error) });
      continue;
    }
    let stored: { hash: string; created: boolean } | undefined;
    try {
      stored = project.images.add(page.image, { gray: page.gray, thumb: page.thumb });
      const hash = stored.hash;
      const before = documentId === undefined ? undefined : lineImageInDocument(db, documentId, hash);
      if (before) {
        report.duplicates.push({ file, reason: `same pixels as line ${before.name ?? '(unnamed)'}, already in this folder's document` });
        continue;
      }
      const { width: w, height: h } = page;
      transaction(db, () => {
        documentId ??= insertDocument(db, { name: basename(root), kind: 'lines', sourcePath: root, sourceHash });
        const pageId = insertPage(db, {
          documentId,
          index: nextPageIndex(db, documentId),
          imageHash: hash,
          width: w,
          height: h,
          dpi: page.dpi,
        });
        insertLines(
          db,
          pageId,
          [
            {
              polygon: rectangle(0, 0, w, h),
              baseline: [
                [0, Math.round(h * 0.75)],
                [w, Math.round(h * 0.75)],
              ],
              // The default split follows the line image's pixels, not the path it was imported from.
              text: text ?? null,
              split: split ?? stableSplit(hash),
              sourceName: name,
            },
          ],
          `import:${basename(gtFile)}`,
        );
      });
    } catch (error) {
      // Leave the project as it was: a line image this import added goes too (a document
      // made in the failed transaction went with it).
      if (stored?.created) removeImageIfUnused(db, project.images, stored.hash);
      if (existing === undefined && lines === 0) documentId = undefined;
      report.failed.push({ file, reason: reasonOf(file, error) });
      continue;
    }
    lines++;
  }
  if (lines > 0) report.imported.push({ file: root, documentId: documentId!, pages: lines, lines });
  return report;
}

/**
 * A line's .gt.txt: UTF-8, its byte order mark (Notepad writes one) and final newline
 * dropped. Text in another encoding is refused, named, rather than stored with U+FFFD in
 * place of its accented letters.
 */
function readGroundTruth(gtFile: string): string {
  const bytes = readRegularFile(gtFile, MAX_GT_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${gtFile}: not UTF-8 text (save the transcription as UTF-8 and import the folder again)`);
  }
  return text.replace(/\r?\n$/, '');
}
