// Imports page scans and folders of pre-cut line images into a project.
// A file is decoded completely before anything is written; its pages go into the image
// store (content-addressed, so leftovers of an interrupted import are harmless) and then
// into the database in one transaction, so the database only ever holds whole documents.
// A bad file is reported with its reason and does not stop the rest of the batch.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { emptyImportReport, type ImportReport, type Split } from '../../shared/api.ts';
import { DEFAULT_PIXEL_LIMIT, IMAGE_EXTENSIONS, decodePages, type DecodedPage } from '../images/decode.ts';
import type { Project } from '../project/project.ts';
import { sha256 } from '../store/image-store.ts';
import { stableSplit } from './split.ts';
import { insertLines } from './insert-lines.ts';
import { importLayoutFile } from './import-layout.ts';
import { rectangle } from '../io/layout.ts';

export interface ImportOptions {
  pixelLimit?: number;
  onProgress?: (p: { file: string; done: number; total: number }) => void;
}

const isImage = (file: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
const isXml = (file: string) => extname(file).toLowerCase() === '.xml';

/** Explicit files are all tried; folders contribute their image files, recursively, sorted. */
export function collectFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (isImage(entry.name) || isXml(entry.name)) files.push(full);
    }
  };
  for (const p of paths.map((x) => resolve(x))) {
    if (!existsSync(p)) missing.push(p);
    else if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

function storePages(project: Project, pages: DecodedPage[]): string[] {
  return pages.map((p) => project.images.put(p.png, { gray: p.gray, thumb: p.thumb }));
}

/**
 * Imports scans and PAGE/ALTO files (with their images). An image that an imported XML
 * file uses is not imported a second time as a bare scan.
 */
export async function importFiles(project: Project, paths: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const report = emptyImportReport();
  const collected = collectFiles(paths);
  for (const m of collected.missing) report.failed.push({ file: m, reason: 'no such file or folder' });
  const usedImages = new Set<string>();
  for (const file of collected.files.filter(isXml)) {
    try {
      const r = await importLayoutFile(project, file, options.pixelLimit ?? DEFAULT_PIXEL_LIMIT);
      usedImages.add(r.image);
      if (r.documentId === null) report.duplicates.push(file);
      else report.imported.push({ file, documentId: r.documentId, pages: 1, lines: r.lines });
      report.warnings.push(...r.warnings.map((message) => ({ file, message })));
    } catch (error) {
      report.failed.push({ file, reason: (error as Error).message.replace(`${file}: `, '') });
    }
  }
  const files = collected.files.filter((f) => !isXml(f) && !usedImages.has(f));
  const findDoc = project.db.prepare('SELECT id FROM documents WHERE source_hash = ?');
  const insertDoc = project.db.prepare("INSERT INTO documents (name, kind, source_path, source_hash) VALUES (?, 'scan', ?, ?)");
  const insertPage = project.db.prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height, dpi) VALUES (?, ?, ?, ?, ?, ?)');
  for (const [i, file] of files.entries()) {
    options.onProgress?.({ file, done: i, total: files.length });
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      report.failed.push({ file, reason: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const hash = sha256(bytes);
    if (findDoc.get(hash)) {
      report.duplicates.push(file);
      continue;
    }
    let pages: DecodedPage[];
    try {
      pages = await decodePages(file, bytes, options.pixelLimit ?? DEFAULT_PIXEL_LIMIT);
    } catch (error) {
      report.failed.push({ file, reason: (error as Error).message.replace(`${file}: `, '') });
      continue;
    }
    const hashes = storePages(project, pages);
    const documentId = project.db.transaction(() => {
      const id = Number(insertDoc.run(basename(file, extname(file)), file, hash).lastInsertRowid);
      pages.forEach((p, k) => insertPage.run(id, p.index, hashes[k], p.width, p.height, p.dpi));
      return id;
    })();
    report.imported.push({ file, documentId, pages: pages.length, lines: 0 });
  }
  options.onProgress?.({ file: '', done: files.length, total: files.length });
  return report;
}

/**
 * Imports a folder of line images (kraken/Calamari/OCR-D convention): NAME.png with an
 * optional NAME.gt.txt holding its transcription. All lines of a folder form one
 * document; each line is its own page. Lines already imported (same pixels) are skipped.
 */
export async function importLineFolder(project: Project, folder: string, split?: Split, options: ImportOptions = {}): Promise<ImportReport> {
  const root = resolve(folder);
  const report = emptyImportReport();
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    report.failed.push({ file: root, reason: 'not a folder' });
    return report;
  }
  const files = readdirSync(root).filter(isImage).sort().map((f) => join(root, f));
  const sourceHash = sha256(Buffer.from(`lines:${root}`));
  const db = project.db;
  const existing = db.prepare('SELECT id FROM documents WHERE source_hash = ?').get(sourceHash) as { id: number } | undefined;
  const documentId = existing?.id ?? Number(db.prepare("INSERT INTO documents (name, kind, source_path, source_hash) VALUES (?, 'lines', ?, ?)").run(basename(root), root, sourceHash).lastInsertRowid);
  const seen = db.prepare('SELECT 1 FROM pages WHERE document_id = ? AND image_hash = ?');
  const nextIndex = db.prepare('SELECT coalesce(max(page_index) + 1, 0) AS n FROM pages WHERE document_id = ?');
  const insertPage = db.prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height, dpi) VALUES (?, ?, ?, ?, ?, ?)');
  let lines = 0;
  for (const [i, file] of files.entries()) {
    options.onProgress?.({ file, done: i, total: files.length });
    const name = basename(file);
    const gtFile = join(root, `${basename(file, extname(file))}.gt.txt`);
    let page: DecodedPage;
    let text: string | undefined;
    try {
      [page] = await decodePages(file, readFileSync(file), options.pixelLimit ?? DEFAULT_PIXEL_LIMIT);
      if (existsSync(gtFile)) text = readFileSync(gtFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      report.failed.push({ file, reason: (error as Error).message.replace(`${file}: `, '') });
      continue;
    }
    const [hash] = storePages(project, [page]);
    if (seen.get(documentId, hash)) {
      report.duplicates.push(file);
      continue;
    }
    const { width: w, height: h } = page;
    db.transaction(() => {
      const pageId = Number(insertPage.run(documentId, (nextIndex.get(documentId) as { n: number }).n, hash, w, h, page.dpi).lastInsertRowid);
      insertLines(db, pageId, [{
        polygon: rectangle(0, 0, w, h), baseline: [[0, Math.round(h * 0.75)], [w, Math.round(h * 0.75)]],
        text: text ?? null, split: split ?? stableSplit(`${root}/${name}`), sourceName: name,
      }], `import:${basename(gtFile)}`);
    })();
    lines++;
  }
  if (lines > 0 || !existing) report.imported.push({ file: root, documentId, pages: lines, lines });
  return report;
}
