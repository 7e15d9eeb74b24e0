// Imports a PAGE or ALTO file with its page image: the image is found beside the XML
// (by the file name the XML names, or by the XML's own base name), the lines become
// project lines and their texts human labels with source "import:<file>". A bad file is
// refused whole; bad lines inside a good file are repaired or skipped with warnings.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { decodePages, DEFAULT_PIXEL_LIMIT } from '../images/decode.ts';
import { readLayout } from '../io/read-layout.ts';
import type { LayoutPage, Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';
import { sha256 } from '../store/image-store.ts';
import { insertLines } from './insert-lines.ts';
import { stableSplit } from './split.ts';

export class LayoutImportError extends Error {
  override name = 'LayoutImportError';
}

export interface LayoutImportResult {
  /** Null when the same XML and image were imported before. */
  documentId: number | null;
  image: string;
  lines: number;
  warnings: string[];
}

export function findPageImage(xmlFile: string, page: LayoutPage): string {
  const dir = dirname(xmlFile);
  const named = page.imageFilename ? [resolve(dir, page.imageFilename), join(dir, basename(page.imageFilename.replace(/\\/g, '/')))] : [];
  const stem = basename(xmlFile, extname(xmlFile));
  const sameName = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'].map((ext) => join(dir, stem + ext));
  const found = [...named, ...sameName].find((f) => existsSync(f));
  if (!found) {
    throw new LayoutImportError(`${xmlFile}: page image ${page.imageFilename ? `"${page.imageFilename}"` : '(not named)'} not found beside the XML`);
  }
  return found;
}

export async function importLayoutFile(project: Project, xmlFile: string, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<LayoutImportResult> {
  const xmlBytes = readFileSync(xmlFile);
  const page = readLayout(xmlFile, xmlBytes.toString('utf8'));
  const imageFile = findPageImage(xmlFile, page);
  const imageBytes = readFileSync(imageFile);
  const sourceHash = sha256(Buffer.concat([xmlBytes, Buffer.from(sha256(imageBytes))]));
  const warnings = [...page.warnings];
  if (project.db.prepare('SELECT 1 FROM documents WHERE source_hash = ?').get(sourceHash)) {
    return { documentId: null, image: imageFile, lines: 0, warnings };
  }
  const [decoded] = await decodePages(imageFile, imageBytes, pixelLimit);
  // Some tools write coordinates for a differently sized copy of the image: scale them.
  const sx = decoded.width / page.width;
  const sy = decoded.height / page.height;
  if (Math.abs(sx - 1) > 1e-6 || Math.abs(sy - 1) > 1e-6) {
    warnings.push(`the XML describes a ${page.width}×${page.height} image but ${basename(imageFile)} is ${decoded.width}×${decoded.height}; coordinates were scaled`);
  }
  const scale = (pts: Point[]): Point[] => pts.map(([x, y]) => [x * sx, y * sy]);
  const hash = project.images.put(decoded.png, { gray: decoded.gray, thumb: decoded.thumb });
  const name = basename(xmlFile, extname(xmlFile));
  const lines = page.regions.flatMap((r) => r.lines).map((l) => ({
    polygon: scale(l.polygon), baseline: l.baseline ? scale(l.baseline) : null, text: l.text, split: stableSplit(`${xmlFile}#${l.id}`),
  }));
  const documentId = project.db.transaction(() => {
    const id = Number(project.db.prepare("INSERT INTO documents (name, kind, source_path, source_hash) VALUES (?, 'scan', ?, ?)").run(name, xmlFile, sourceHash).lastInsertRowid);
    const pageId = Number(project.db.prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height, dpi) VALUES (?, 0, ?, ?, ?, ?)')
      .run(id, hash, decoded.width, decoded.height, decoded.dpi).lastInsertRowid);
    insertLines(project.db, pageId, lines, `import:${basename(xmlFile)}`);
    return id;
  })();
  return { documentId, image: imageFile, lines: lines.length, warnings };
}
