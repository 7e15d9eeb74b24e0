// The PAGE XML fixture (page-2019.xml: four lines in two regions, one transcribed) with a
// blank 800×600 scan of the name it gives (folio-12r.png), imported into a project; and such
// a project with a team server's accounts.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFiles } from '../../main/import/import-images.ts';
import { addUser } from '../../main/accounts/accounts.ts';
import { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';

export async function importPageFixture(project: Project): Promise<void> {
  const src = tempDir();
  copyFileSync(new URL('../fixtures/xml/page-2019.xml', import.meta.url), join(src, 'page-2019.xml'));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#efe6d2' } })
    .png()
    .toFile(join(src, 'folio-12r.png'));
  await importFiles(project, [src]);
}

/** A new project folder holding the page fixture and a team server's accounts ada (admin) and tom (transcriber). */
export async function teamPageProject(): Promise<string> {
  const dir = join(tempDir('quire-e2e-'), 'project');
  const project = Project.init(dir);
  try {
    await importPageFixture(project);
    await addUser(project.db, 'ada', 'admin', 'ada-password');
    await addUser(project.db, 'tom', 'transcriber', 'tom-password');
  } finally {
    project.close();
  }
  return dir;
}
