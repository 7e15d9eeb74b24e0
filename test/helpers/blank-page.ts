// A new project holding one imported 1000×800 page of plain colour, with its service, for
// tests of line edits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../main/api/service.ts';
import { png } from './images.ts';
import { newProject, tempDir } from './project.ts';

export async function blankPage(color?: string) {
  const file = join(tempDir(), 'folio.png');
  writeFileSync(file, await png(1000, 800, color));
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [p] = await api.listPages({ documentId: doc.id });
  return { project, api, pageId: p.id };
}
