// Imports a PAGE or ALTO file with its page image: the image is found beside the XML
// (by the file name the XML names, or by the XML's own base name), the lines become
// project lines in their regions (with the regions' types) and their texts human labels
// with source "import:<file>". A bad file is refused whole; bad lines inside a good file
// are repaired or skipped with warnings.
// The XML comes from elsewhere, so the image it names is read only if it is a regular
// file inside the imported folder or the XML's own folder, under the size cap.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Split } from '../../shared/api.ts';
import { decodePageStream, imageInfo, type DecodeOptions } from '../images/decode.ts';
import { readLayout } from '../io/read-layout.ts';
import { decodeXml } from '../io/xml.ts';
import { regionOutline, type LayoutPage } from '../io/layout.ts';
import { documents, existingDocumentLabel } from '../db/documents.ts';
import type { ProjectStore } from '../project/project-store.ts';
import { sha256 } from '../store/image-store.ts';
import { removeImageIfUnusedAt, writeDocumentAt } from './document-writer.ts';
import { gridMapping } from './page-grid.ts';
import { insideRoots, MAX_IMAGE_BYTES, MAX_XML_BYTES, readRegularFile } from './safe-files.ts';
import { stableSplit } from './split.ts';
import { isUpload, sourceOf } from './upload-source.ts';

export class LayoutImportError extends Error {
  override name = 'LayoutImportError';
}

export interface LayoutImportOptions extends DecodeOptions {
  /** Folders the page image may come from (besides the XML's own folder). */
  roots?: string[];
  /** Every imported line gets this split; by default a stable one from the line's content. */
  split?: Split;
  maxImageBytes?: number;
  maxXmlBytes?: number;
  /** Bytes already read (the caller may have read the XML to look at it). */
  xmlBytes?: Buffer;
}

export interface LayoutImportResult {
  /** Null when the same XML and image were imported before. */
  documentId: number | null;
  /** Set when documentId is null: which document already holds this file. */
  existing?: string;
  image: string;
  lines: number;
  warnings: string[];
}

export function findPageImage(xmlFile: string, page: LayoutPage, roots: string[] = []): string {
  const dir = dirname(xmlFile);
  const allowed = [dir, ...roots];
  const named = page.imageFilename ? [resolve(dir, page.imageFilename), join(dir, basename(page.imageFilename.replace(/\\/g, '/')))] : [];
  const stem = basename(xmlFile, extname(xmlFile));
  const sameName = IMAGE_EXTENSIONS.map((ext) => join(dir, stem + ext));
  const existing = [...named, ...sameName].filter((f) => existsSync(f));
  const found = existing.find((f) => insideRoots(f, allowed));
  if (found) return found;
  if (existing.length) {
    throw new LayoutImportError(
      `${xmlFile}: page image "${page.imageFilename}" lies outside the imported folder; only images beside the XML or inside the imported folder are read`,
    );
  }
  const label = page.imageFilename ? `"${page.imageFilename}"` : '(not named)';
  // An upload has no folder to look in: the image comes only if it was chosen (or dropped) with
  // the XML, under its own name (a browser sends no folders).
  if (isUpload()) {
    const wanted = page.imageFilename ? basename(page.imageFilename.replace(/\\/g, '/')) : `${stem}.png (or .jpg, .tif)`;
    throw new LayoutImportError(
      `${xmlFile}: page image ${label} was not uploaded: select or drop the image ${wanted} together with the XML`,
    );
  }
  throw new LayoutImportError(`${xmlFile}: page image ${label} not found beside the XML`);
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'];

/**
 * The page image a PAGE/ALTO file that was refused would have brought: the one it names,
 * where the file can still be read that far, and any beside it with its base name. The
 * import leaves these out too; imported alone as bare scans, a corrected XML imported
 * later would make a second document of the same page.
 */
export function pageImagesOf(xmlFile: string, roots: string[] = []): string[] {
  const dir = dirname(xmlFile);
  const stem = basename(xmlFile, extname(xmlFile));
  const found = IMAGE_EXTENSIONS.map((ext) => join(dir, stem + ext)).filter((f) => existsSync(f));
  try {
    found.push(findPageImage(xmlFile, readLayout(xmlFile, decodeXml(xmlFile, readRegularFile(xmlFile, MAX_XML_BYTES))), roots));
  } catch {
    // Unreadable, or its image not found: the images with its base name are all there is.
  }
  return [...new Set(found)];
}

export async function importLayoutFile(project: ProjectStore, xmlFile: string, o: LayoutImportOptions = {}): Promise<LayoutImportResult> {
  const xmlBytes = o.xmlBytes ?? readRegularFile(xmlFile, o.maxXmlBytes ?? MAX_XML_BYTES);
  const page = readLayout(xmlFile, decodeXml(xmlFile, xmlBytes));
  const imageFile = findPageImage(xmlFile, page, o.roots);
  const imageBytes = readRegularFile(imageFile, o.maxImageBytes ?? MAX_IMAGE_BYTES);
  const imageHash = sha256(imageBytes);
  const sourceHash = sha256(Buffer.concat([xmlBytes, Buffer.from(imageHash)]));
  const warnings = [...page.warnings];
  // Text with a recognition confidence is most likely a machine's reading (Quire's own
  // export with a model writes it so); it is imported as transcription, but said.
  const read = page.regions.flatMap((r) => r.lines).filter((l) => l.text !== null && l.confidence !== null).length;
  if (read)
    warnings.push(
      `${read} line(s) carry a recognition confidence: imported as transcriptions (they count as labels); if they are a model's readings no person checked, review them before training`,
    );
  const previous = await project.run(documents.documentBySourceHash(sourceHash));
  if (previous) return { documentId: null, existing: existingDocumentLabel(previous), image: imageFile, lines: 0, warnings };
  const info = await imageInfo(imageFile, imageBytes, o);
  // A PAGE/ALTO file describes one page: the first of a multi-page image (said, since the others are not imported with it).
  if (info.pages > 1)
    warnings.push(
      `${basename(imageFile)} has ${info.pages} pages; this file describes one, taken to be the first (the others are not imported with it)`,
    );
  const pages = decodePageStream(imageFile, imageBytes, o, info);
  const decoded = (await pages.next()).value;
  await pages.return();
  if (!decoded) throw new LayoutImportError(`${imageFile}: the image has no page`);
  const mapping = gridMapping(
    {
      declared: { width: page.width, height: page.height },
      stored: { width: info.storedWidth, height: info.storedHeight },
      shown: { width: decoded.width, height: decoded.height },
      orientation: info.orientation,
    },
    basename(imageFile),
  );
  if (mapping.note) warnings.push(mapping.note);
  const stored = project.images.add(decoded.image, { gray: decoded.gray, thumb: decoded.thumb });
  const hash = stored.hash;
  // The default split follows the page image's content and the line's id, not the path
  // the file was given with, so importing from another folder gives the same split.
  const lines = page.regions.flatMap((r, region) =>
    r.lines.map((l) => ({
      polygon: l.polygon.map(mapping.map),
      baseline: l.baseline ? l.baseline.map(mapping.map) : null,
      text: l.text,
      // Its id in the file, written again on export (tools that match lines by id find them).
      sourceName: l.id,
      split: o.split ?? stableSplit(`${imageHash}#${l.id}`),
      region,
    })),
  );
  // Regions keep their type (PAGE @type, or the one the source's name implies) and that name.
  const regions = page.regions.map((r) => ({
    type: r.type ?? ('paragraph' as const),
    label: r.label ?? null,
    polygon: regionOutline(r).map(mapping.map),
    sourceName: r.id,
  }));
  const documentId = await writeDocumentAt(project.run, {
    name: basename(xmlFile, extname(xmlFile)),
    kind: 'scan',
    sourcePath: sourceOf(xmlFile),
    sourceHash,
    pages: [{ imageHash: hash, width: decoded.width, height: decoded.height, dpi: decoded.dpi, regions, lines }],
    transcriptionSource: `import:${basename(xmlFile)}`,
  }).catch(async (error: unknown) => {
    // Leave the project as it was: files this import added go too.
    if (stored.created) await removeImageIfUnusedAt(project.run, project.images, hash);
    throw error;
  });
  return { documentId, image: imageFile, lines: lines.length, warnings };
}
