// A project of generated handwritten line images, `labeled` of them with ground truth.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { synthLine } from '../../bench/synth/handwriting.ts';
import { importLineFolder } from '../../main/import/import-images.ts';
import { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';

export async function writeLineFolder(count: number, labeled: number, seed = 31): Promise<string> {
  const lines = join(tempDir(), 'lines');
  mkdirSync(lines);
  for (let i = 0; i < count; i++) {
    const l = synthLine(seed, i, { minWords: 1, maxWords: 3 });
    const name = `l${String(i).padStart(3, '0')}`;
    await sharp(Buffer.from(l.image.data), { raw: { width: l.image.width, height: l.image.height, channels: 1 } })
      .png()
      .toFile(join(lines, `${name}.png`));
    if (i < labeled) writeFileSync(join(lines, `${name}.gt.txt`), l.text);
  }
  return lines;
}

export async function lineProject(count: number, labeled: number): Promise<string> {
  const dir = join(tempDir(), 'p');
  const project = Project.init(dir);
  await importLineFolder(project, await writeLineFolder(count, labeled));
  project.close();
  return dir;
}
