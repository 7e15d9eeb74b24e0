// Which files an import reads, and what each one is. Folders contribute the files whose
// names look importable (so a folder's README or METS file is not reported as a failure);
// whether a file is a scan or a PAGE/ALTO file is then decided by its content (magic
// bytes, or markup), because kraken and eScriptorium name ALTO files `.alto` and other
// tools use other names still. A link inside a folder is followed only to a file that
// lies inside that folder: a folder (or an upload) cannot pull in files from elsewhere.
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ImportFailure } from '../../shared/api.ts';
import { isLayoutFileName, LAYOUT_EXTENSIONS } from '../../shared/import-formats.ts';
import { IMAGE_EXTENSIONS } from '../images/decode.ts';
import { describeFsError, insideRoots, MAX_IMAGE_BYTES, readHead, UnsafeFileError } from './safe-files.ts';

/** Names a folder walk picks up; explicit files are tried whatever their name. */
const FOLDER_EXTENSIONS: readonly string[] = [...IMAGE_EXTENSIONS, ...LAYOUT_EXTENSIONS];

export interface Candidate {
  file: string;
  /** The folder the file was found in (or the file's own folder when named directly): images a PAGE/ALTO file names must lie inside it. */
  root: string;
  /** Named by the user rather than found in a folder: such a file may be a link to anywhere. */
  explicit?: boolean;
}

export interface ClassifiedFiles {
  images: Candidate[];
  layouts: Candidate[];
  failed: ImportFailure[];
}

export type FileKind = 'image' | 'xml' | 'unknown';

/** TIFF (II*\0, MM\0*, BigTIFF), JPEG (FF D8 FF), PNG (\x89PNG); XML starts with `<` after an optional BOM and blanks. */
export function sniffKind(head: Buffer): FileKind {
  const b = head;
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 0x2a || b[2] === 0x2b) && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 0x2a || b[3] === 0x2b)))
  )
    return 'image';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image';
  let text = b.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)))
    text = b.subarray(2).toString('utf16le').replace(/\0/g, '');
  return /^\s*</.test(text) ? 'xml' : 'unknown';
}

export function collectFiles(paths: string[]): { files: Candidate[]; failed: ImportFailure[] } {
  const files: Candidate[] = [];
  const failed: ImportFailure[] = [];
  const walk = (dir: string, root: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      // An unreadable subfolder is one failure; the rest of the import goes on.
      failed.push({ file: dir, reason: `cannot read the folder: ${describeFsError(error)}` });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      // Linked folders are not followed: they could leave the folder or loop.
      if (entry.isDirectory()) walk(full, root);
      else if (FOLDER_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push({ file: full, root });
    }
  };
  for (const p of paths.map((x) => resolve(x))) {
    if (!existsSync(p)) failed.push({ file: p, reason: 'no such file or folder' });
    // A folder named by the user may itself be a link; links inside it are not followed.
    else if (statSync(p).isDirectory()) walk(p, p);
    else files.push({ file: p, root: dirname(p), explicit: true });
  }
  return { files, failed };
}

/**
 * Sorts candidates into scans and PAGE/ALTO files by content. Files that are not regular
 * files, links leaving their folder, and files over the size cap fail here, before any
 * byte of them is read.
 */
export function classify(candidates: Candidate[], maxBytes = MAX_IMAGE_BYTES): ClassifiedFiles {
  const out: ClassifiedFiles = { images: [], layouts: [], failed: [] };
  for (const c of candidates) {
    if (!c.explicit && !insideRoots(c.file, [c.root])) {
      out.failed.push({
        file: c.file,
        reason: lstatSync(c.file).isSymbolicLink() ? 'links to a file outside the imported folder; refused' : 'not readable',
      });
      continue;
    }
    let kind: FileKind;
    try {
      kind = sniffKind(readHead(c.file, 64, maxBytes));
    } catch (error) {
      out.failed.push({
        file: c.file,
        reason: error instanceof UnsafeFileError ? error.message.replace(`${c.file}: `, '') : describeFsError(error),
      });
      continue;
    }
    // Content that is neither goes where its name points, so the reason is about what the user meant.
    if (kind === 'xml' || (kind === 'unknown' && isLayoutFileName(c.file))) out.layouts.push(c);
    else out.images.push(c);
  }
  return out;
}
