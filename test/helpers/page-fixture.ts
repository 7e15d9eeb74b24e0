// The PAGE XML fixture (page-2019.xml: four lines in two regions, one transcribed) with a
// blank 800×600 scan of the name it gives (folio-12r.png), imported into a project.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFiles } from '../../main/import/import-images.ts';
import type { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';

export async function importPageFixture(project: Project): Promise<void> {
  const src = tempDir();
  copyFileSync(new URL('../fixtures/xml/page-2019.xml', import.meta.url), join(src, 'page-2019.xml'));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#efe6d2' } })
    .png()
    .toFile(join(src, 'folio-12r.png'));
  await importFiles(project, [src]);
}
