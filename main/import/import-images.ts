// Imports page scans and PAGE/ALTO files into a project. Each file is one unit: it is
// imported whole or reported in `failed` with its name and reason (a full disk included),
// and the rest of the batch goes on, so the report always lists what did import. A
// multi-page scan is decoded and stored page by page (only one page is held in memory),
// and its document is written to the database once all its pages are stored; the image
// files it added are removed again when it fails, so a failed file leaves no trace.
import { basename, extname } from 'node:path';
import { emptyImportReport, type ImportReport, type Split } from '../../shared/api.ts';
import { decodePageStream, imageInfo, type DecodeOptions } from '../images/decode.ts';
import { documents, existingDocumentLabel } from '../db/documents.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type ProjectStore } from '../project/project-store.ts';
import { sha256 } from '../store/image-store.ts';
import { classify, collectFiles } from './collect.ts';
import { removeImageIfUnusedAt, writeDocumentAt, type NewPage } from './document-writer.ts';
import { importLayoutFile, pageImagesOf } from './import-layout.ts';
import type { ImportOptions } from './import-options.ts';
import { MAX_IMAGE_BYTES, MAX_XML_BYTES, readRegularFile, reasonOf } from './safe-files.ts';
import { sourceOf } from './upload-source.ts';

export { importLineFolder } from './import-lines.ts';
export type { ImportOptions, ImportProgress } from './import-options.ts';

/** Imports into a project folder (see importFilesInto). */
export const importFiles = (project: Project, paths: string[], options: ImportOptions = {}): Promise<ImportReport> =>
  importFilesInto(folderStore(project), paths, options);

/**
 * Imports scans and PAGE/ALTO files (with their images) into a project on either store. An
 * image that an imported XML file uses is not imported a second time as a bare scan, nor is
 * the image of an XML file that was refused (it is reported with it).
 */
export async function importFilesInto(project: ProjectStore, paths: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const report = emptyImportReport();
  const collected = collectFiles(paths);
  report.failed.push(...collected.failed);
  const sorted = classify(collected.files, Math.max(options.maxImageBytes ?? MAX_IMAGE_BYTES, options.maxXmlBytes ?? MAX_XML_BYTES));
  report.failed.push(...sorted.failed);
  const total = sorted.layouts.length + sorted.images.length;
  let done = 0;
  const usedImages = new Map<string, string>(); // page image → '' (imported with its XML) or the skipped XML
  const seen = new Map<string, string>(); // content hash → the file of this import that had it
  const refusedWith = new Map<string, string>(); // page image → the refused XML that describes it
  for (const { file, root } of sorted.layouts) {
    options.onProgress?.({ file: sourceOf(file), done: done++, total });
    try {
      const xmlBytes = readRegularFile(file, options.maxXmlBytes ?? MAX_XML_BYTES);
      const r = await importLayoutFile(project, file, { ...options, roots: [root], xmlBytes });
      // The image belongs to its XML's document: part of that import, or of that skip.
      usedImages.set(r.image, r.documentId === null ? file : '');
      if (r.documentId === null) report.duplicates.push({ file, reason: `already in the project as ${r.existing}` });
      else report.imported.push({ file, documentId: r.documentId, pages: 1, lines: r.lines });
      report.warnings.push(...r.warnings.map((message) => ({ file, message })));
    } catch (error) {
      report.failed.push({ file, reason: reasonOf(file, error) });
      for (const image of pageImagesOf(file, [root])) if (!usedImages.has(image)) refusedWith.set(image, file);
    }
  }
  for (const { file } of sorted.images) {
    options.onProgress?.({ file: sourceOf(file), done: done++, total });
    const refused = refusedWith.get(file);
    if (refused) {
      report.failed.push({
        file,
        reason: `left out with ${basename(refused)}, its PAGE/ALTO file, which was refused: correct that file and import the two again`,
      });
      continue;
    }
    const xml = usedImages.get(file);
    if (xml !== undefined) {
      if (xml) report.duplicates.push({ file, reason: `the page image of ${xml}, which is already in the project` });
      continue;
    }
    try {
      const bytes = readRegularFile(file, options.maxImageBytes ?? MAX_IMAGE_BYTES);
      const hash = sha256(bytes);
      const previous = await project.run(documents.documentBySourceHash(hash));
      if (seen.has(hash)) {
        report.duplicates.push({ file, reason: `same content as ${seen.get(hash)}, earlier in this import` });
      } else if (previous) {
        report.duplicates.push({ file, reason: `already in the project as ${existingDocumentLabel(previous)}` });
      } else {
        seen.set(hash, file);
        const pages = await importScan(project, file, bytes, hash, options, (page, count) =>
          options.onProgress?.({ file: sourceOf(file), done: done - 1, total, page, pages: count }),
        );
        report.imported.push({ file, documentId: pages.documentId, pages: pages.count, lines: 0 });
      }
    } catch (error) {
      report.failed.push({ file, reason: reasonOf(file, error) });
    }
  }
  options.onProgress?.({ file: '', done: total, total });
  return report;
}

/** Stores each page as it is decoded, then writes the document; on failure removes the pages it added. */
async function importScan(
  project: ProjectStore,
  file: string,
  bytes: Buffer,
  hash: string,
  o: ImportOptions,
  progress: (page: number, pages: number) => void,
): Promise<{ documentId: number; count: number }> {
  const info = await imageInfo(file, bytes, o);
  const count = info.pages;
  const pages: NewPage[] = [];
  const added: string[] = [];
  try {
    for await (const p of decodePageStream(file, bytes, o, info)) {
      const stored = project.images.add(p.image, { gray: p.gray, thumb: p.thumb });
      if (stored.created) added.push(stored.hash);
      pages.push({ imageHash: stored.hash, width: p.width, height: p.height, dpi: p.dpi });
      progress(pages.length, count);
    }
    const documentId = await writeDocumentAt(project.run, {
      name: basename(file, extname(file)),
      kind: 'scan',
      sourcePath: sourceOf(file),
      sourceHash: hash,
      pages,
      transcriptionSource: `import:${basename(file)}`,
    });
    return { documentId, count: pages.length };
  } catch (error) {
    for (const h of added) await removeImageIfUnusedAt(project.run, project.images, h);
    throw error;
  }
}
