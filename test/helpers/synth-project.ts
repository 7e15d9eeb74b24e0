// Pages of generated handwriting with their lines already in the project (polygons and
// baselines from the generator's truth), for end-to-end tests of the annotation screen.
import { join } from 'node:path';
import sharp from 'sharp';
import type { Point } from '../../main/io/layout.ts';
import { importFiles } from '../../main/import/import-images.ts';
import { insertLines } from '../../main/import/insert-lines.ts';
import type { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';

/** The baseline of a four-cornered line: 80 % of the way down its left and right edges. */
const baselineOf = ([a, b, c, d]: Point[]): Point[] => [
  [Math.round(a[0] + 0.8 * (d[0] - a[0])), Math.round(a[1] + 0.8 * (d[1] - a[1]))],
  [Math.round(b[0] + 0.8 * (c[0] - b[0])), Math.round(b[1] + 0.8 * (c[1] - b[1]))],
];

/**
 * Imports one generated page per seed — as one document each, or with `oneDocument` as the
 * pages of one multi-page TIFF — and gives each page its true lines (unlabeled, or with
 * their text where `labeled(page, line)` says so). Returns the page ids in order.
 */
export async function addSynthPages(
  project: Project,
  seeds: number[],
  o: { lines?: number; labeled?: (line: number, page: number) => boolean; name?: string; oneDocument?: boolean } = {},
): Promise<number[]> {
  const { synthPage } = await import('../../bench/synth/page.ts');
  const dir = tempDir();
  const truths = seeds.map((seed) => synthPage(seed, { lines: o.lines }));
  const gray = (t: (typeof truths)[number]) =>
    sharp(Buffer.from(t.image.data), { raw: { width: t.image.width, height: t.image.height, channels: 1 } });
  const files: string[] = [];
  if (o.oneDocument) {
    // A TIFF's pages share one size: each page is padded with white below and to the right.
    const [width, height] = [Math.max(...truths.map((t) => t.image.width)), Math.max(...truths.map((t) => t.image.height))];
    const frames = await Promise.all(
      truths.map((t) =>
        gray(t)
          .extend({ right: width - t.image.width, bottom: height - t.image.height, background: '#ffffff' })
          .png()
          .toBuffer(),
      ),
    );
    files.push(join(dir, `${o.name ?? 'register'}.tiff`));
    await sharp(frames, { join: { animated: true } })
      .tiff()
      .toFile(files[0]);
  } else {
    truths.forEach((_, i) => files.push(join(dir, `${o.name ?? 'folio'}-${i + 1}.png`)));
    await Promise.all(truths.map((t, i) => gray(t).png().toFile(files[i])));
  }
  // One file after another, so the documents (and their pages) come in the seeds' order.
  for (const file of files) await importFiles(project, [file]);
  const pageIds = (project.db.prepare('SELECT id FROM pages ORDER BY id').all() as Array<{ id: number }>)
    .map((r) => r.id)
    .slice(-seeds.length);
  project.db.transaction(() =>
    pageIds.forEach((pageId, p) =>
      insertLines(
        project.db,
        pageId,
        truths[p].lines.map((l, i) => ({
          polygon: l.polygon,
          baseline: baselineOf(l.polygon),
          text: o.labeled?.(i, p) ? l.text : null,
          split: 'train' as const,
        })),
        'import:test',
      ),
    ),
  )();
  return pageIds;
}
