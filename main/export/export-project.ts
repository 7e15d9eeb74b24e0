// Exports documents as PAGE XML 2019, ALTO 4, plain text, or a ground-truth folder of
// line images with NAME.gt.txt (for training other tools). XML exports are written next
// to a copy of each page image, so the folder imports back as it is. Files are written
// atomically. The reads are store-neutral, so a team server's PostgreSQL store with its
// shared folder of files exports exactly as a project folder does.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeAlto } from '../io/alto-xml.ts';
import { writePage } from '../io/page-xml.ts';
import type { Point } from '../io/layout.ts';
import { documents } from '../db/documents.ts';
import { exportReads } from '../db/exports.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type PageSource, type ProjectStore } from '../project/project-store.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { pageLayout } from './page-layout.ts';
import { grayPage } from '../project/line-images.ts';
import { safeFileName, type ExportFormat } from '../../shared/export-formats.ts';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  /** Use this model's predictions where a line has no human transcription. */
  modelId?: number;
  documentIds?: number[];
}

const safeName = (name: string) => safeFileName(name, 'document');

async function pagesToExport(store: ProjectStore, documentIds?: number[]) {
  // A removed or unknown document named is refused: the export would silently lack it.
  if (documentIds) await store.run(documents.refuseUnlisted(documentIds));
  const rows = await store.run(exportReads.pagesWithDocuments());
  return documentIds ? rows.filter((r) => documentIds.includes(r.document_id)) : rows;
}

/** Gives each name the first of `name`, `name_2`, `name_3`… not yet taken (case aside: some file systems ignore it). */
function uniqueNames() {
  const taken = new Set<string>();
  return (name: string) => {
    let unique = name;
    for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${name}_${n}`;
    taken.add(unique.toLowerCase());
    return unique;
  };
}

/**
 * File stems: one per document (its text file) and one per page (its image and XML), each
 * unique. Documents may share a name (box1/001.tif and box2/001.tif are both "001"), and a
 * page's stem (001_p2) may be another document's name: one file would overwrite the other.
 */
function fileStems(pages: Array<{ id: number; document_id: number; document: string; pages: number; page_index: number }>) {
  const documentName = uniqueNames();
  const pageName = uniqueNames();
  const byDocument = new Map<number, string>();
  const byPage = new Map<number, string>();
  for (const p of pages) {
    if (!byDocument.has(p.document_id)) byDocument.set(p.document_id, documentName(safeName(p.document)));
    const stem = byDocument.get(p.document_id)!;
    byPage.set(p.id, pageName(p.pages > 1 ? `${stem}_p${p.page_index + 1}` : stem));
  }
  return { byDocument, byPage };
}

/**
 * An export goes into a new or empty folder: written over an earlier export, the files of
 * lines since deleted, split or renamed would stay beside the new ones (a ground-truth
 * folder would then train on lines the project no longer has).
 */
function checkOutFolder(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new Error(`${out} is a file: export into a new or empty folder`);
  if (readdirSync(out).length > 0)
    throw new Error(
      `${out} already holds files: export into a new or empty folder (an earlier export's files would be mixed with this one's)`,
    );
}

/** Exports a project folder. */
export const exportProject = (project: Project, o: ExportOptions): Promise<{ files: string[] }> => exportFrom(folderStore(project), o);

/** Exports a project on either store (its database and its folder of files). */
export async function exportFrom(store: ProjectStore, o: ExportOptions): Promise<{ files: string[] }> {
  checkOutFolder(o.out);
  mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(o.out, name);
    writeFileAtomic(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    files.push(path);
  };
  const pages = await pagesToExport(store, o.documentIds);
  const stems = fileStems(pages);
  const texts = new Map<number, string[]>();
  for (const p of pages) {
    const stem = stems.byPage.get(p.id)!;
    // The page's copy keeps the stored file's format (a JPEG scan stays a JPEG).
    const imageName = stem + store.images.pageExtension(p.image_hash);
    const layout = await pageLayout(store.run, p.id, imageName, o.modelId);
    const lines = layout.regions.flatMap((r) => r.lines);
    switch (o.format) {
      case 'page':
      case 'alto':
        write(imageName, store.images.read(p.image_hash, 'page'));
        write(`${stem}.xml`, o.format === 'page' ? writePage(layout) : writeAlto(layout));
        break;
      case 'text': {
        const doc = texts.get(p.document_id) ?? [];
        doc.push(lines.map((l) => l.text ?? '').join('\n'));
        texts.set(p.document_id, doc);
        break;
      }
      case 'gt':
        for (const line of lines) {
          if (line.text === null || line.confidence != null) continue; // ground truth means human text
          write(`${stem}_${line.id}.png`, await cropLine(store, p.image_hash, line.polygon));
          write(`${stem}_${line.id}.gt.txt`, line.text + '\n');
        }
        break;
      default: {
        const never: never = o.format;
        throw new Error(`unknown export format ${never}`);
      }
    }
  }
  // Plain text: one line per text line, pages separated by a form feed, as `pr` and OCR tools do.
  for (const [documentId, pageTexts] of texts) write(`${stems.byDocument.get(documentId)}.txt`, pageTexts.join('\n\f\n') + '\n');
  return { files };
}

/** The line's bounding box from the grayscale page, with everything outside its polygon made white. */
async function cropLine(pages: PageSource, imageHash: string, polygon: Point[]): Promise<Buffer> {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  // One decoded page serves all its lines (line-images.ts keeps the last pages decoded).
  const { data, info } = await grayPage(pages, imageHash);
  const meta = { width: info.width, height: info.height };
  const left = Math.max(0, Math.floor(Math.min(...xs)));
  const top = Math.max(0, Math.floor(Math.min(...ys)));
  const width = Math.max(1, Math.min(meta.width, Math.ceil(Math.max(...xs))) - left);
  const height = Math.max(1, Math.min(meta.height, Math.ceil(Math.max(...ys))) - top);
  const points = polygon.map(([x, y]) => `${x - left},${y - top}`).join(' ');
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><polygon points="${points}" fill="#fff"/></svg>`,
  );
  const crop = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .extract({ left, top, width, height })
    .png()
    .toBuffer();
  // White background, the crop shown only inside the polygon.
  const masked = await sharp(crop)
    .composite([{ input: mask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: masked }])
    .grayscale()
    .png()
    .toBuffer();
}
