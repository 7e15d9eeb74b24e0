// Which segmenter segments a project's pages: the classical one (segment.ts, in its worker
// thread) or a trained segmentation model: "bundled" for the model that ships with Quire
// (resources/models/segmenter.qseg), or the path of a .qseg file. The trained models run in
// the calling thread: the CLI has nothing else to do meanwhile.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { segmentOffThread } from './segment-off-thread.ts';

export const BUNDLED_SEGMENTER_FILE = fileURLToPath(new URL('../../resources/models/segmenter.qseg', import.meta.url));

export interface FoundLines {
  lines: Array<{ polygon: Point[]; baseline: Point[] }>;
  /** True when `lines` are already in reading order (region by region); else top to bottom is used. */
  ordered: boolean;
}

export type PageSegmenter = (page: GrayImage) => Promise<FoundLines>;

export const classicalSegmenter: PageSegmenter = async (page) => ({ lines: (await segmentOffThread(page)).lines, ordered: false });

/** "classical", "bundled" or a .qseg path; without a choice, the bundled model where it is installed. */
export async function resolveSegmenter(choice?: string): Promise<{ name: string; segment: PageSegmenter }> {
  const wanted = choice ?? (existsSync(BUNDLED_SEGMENTER_FILE) ? 'bundled' : 'classical');
  if (wanted === 'classical') return { name: 'classical', segment: classicalSegmenter };
  const file = wanted === 'bundled' ? BUNDLED_SEGMENTER_FILE : wanted;
  if (!existsSync(file)) throw new Error(wanted === 'bundled' ? 'no bundled segmentation model is installed' : `no segmentation model ${file}`);
  // TensorFlow is loaded only when a model is used.
  const { initBackend } = await import('../ml/backend.ts');
  const { loadSegmenter } = await import('./seg-model-file.ts');
  const { segmentWithModel } = await import('./seg-infer.ts');
  await initBackend();
  const model = loadSegmenter(file);
  return { name: wanted, segment: async (page) => ({ lines: segmentWithModel(model, page).lines, ordered: true }) };
}
