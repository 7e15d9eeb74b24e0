// The bundled sample project: built on first start from resources/sample (page scans,
// segmented into lines, and line images with some transcriptions) by the normal import
// code, in the user's data folder, so that the repository's files are never modified.
import { scanPageIds } from '../db/pages.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles, importLineFolder } from '../import/import-images.ts';
import { DB_FILE, Project } from '../project/project.ts';
import { segmentPages } from '../layout/segment-pages.ts';

export const SAMPLE_SOURCE = fileURLToPath(new URL('../../resources/sample/', import.meta.url));

export function userDataDir(): string {
  return process.env.QUIRE_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'quire');
}

export async function ensureSampleProject(dir = join(userDataDir(), 'sample-project')): Promise<string> {
  if (existsSync(join(dir, DB_FILE))) return dir;
  const project = Project.init(dir);
  try {
    await importFiles(project, [join(SAMPLE_SOURCE, 'pages')]);
    // The scans open with their lines found, ready to transcribe.
    await segmentPages(project, scanPageIds(project.db));
    await importLineFolder(project, join(SAMPLE_SOURCE, 'lines'));
  } finally {
    project.close();
  }
  return dir;
}
