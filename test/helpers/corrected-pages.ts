// A project with corrected pages for segmenter fine-tuning: three small generated pages,
// lines found by the classical segmenter, the first two transcribed through and the third
// with one line left untranscribed (so it is not corrected).
import { join } from 'node:path';
import type { PageSummary, ProjectApi } from '../../shared/api.ts';
import { writeSynthPage } from './images.ts';
import { tempDir } from './project.ts';

export async function addCorrectedPages(api: ProjectApi): Promise<PageSummary[]> {
  const dir = tempDir();
  const seeds = [3, 5, 7];
  const files = seeds.map((seed) => join(dir, `page-${seed}.png`));
  for (const [i, file] of files.entries()) await writeSynthPage(seeds[i], file, { width: 600, lines: 5 });
  await api.importFiles({ paths: files });
  const pages = (await Promise.all((await api.listDocuments({})).map((d) => api.listPages({ documentId: d.id })))).flat();
  await api.segmentPages({ pageIds: pages.map((p) => p.id), segmenter: 'classical' });
  for (const [i, p] of pages.entries()) {
    const lines = (await api.getPage({ pageId: p.id })).lines;
    for (const l of i === 2 ? lines.slice(1) : lines) await api.saveTranscription({ lineId: l.id, text: `line ${l.id}` });
  }
  return pages;
}
