// Which segmenter segments a project's pages (shared/segmenter-options.ts names the
// choices): "bundled", the trained segmentation model that ships with Quire
// (resources/models/segmenter.qseg) and the default; "classical" (segment.ts); or, from the
// CLI, the path of a .qseg file. All of them run in the segmentation worker thread. Where
// the bundled model is missing or cannot be loaded, the classical segmenter runs instead and
// `fallback` says why, for the report; a named .qseg file that cannot be used is an error.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEGMENTER } from '../../shared/segmenter-options.ts';
import type { GrayImage } from '../ml/line-image.ts';
import type { FoundLayout } from './found-layout.ts';
import { loadModelOffThread, segmentOffThread } from './segment-off-thread.ts';

export const BUNDLED_SEGMENTER_FILE = fileURLToPath(new URL('../../resources/models/segmenter.qseg', import.meta.url));

export type PageSegmenter = (page: GrayImage) => Promise<FoundLayout>;

export interface Segmenter {
  /** What ran: "bundled", "classical" or the model file's path. */
  name: string;
  segment: PageSegmenter;
  /** Set when the classical segmenter stands in for the model asked for, and why. */
  fallback?: string;
}

export const classicalSegmenter: Segmenter = { name: 'classical', segment: (page) => segmentOffThread(page, null) };

/** A segmenter running the model file `file` (loaded in the worker now, so a bad file fails here). */
export async function modelSegmenter(name: string, file: string): Promise<Segmenter> {
  if (!existsSync(file)) throw new Error(`no segmentation model ${file}`);
  await loadModelOffThread(file);
  return { name, segment: (page) => segmentOffThread(page, file) };
}

/** "classical", "bundled" (the default) or a .qseg path. `bundledFile` is for tests. */
export async function resolveSegmenter(choice: string = DEFAULT_SEGMENTER, bundledFile = BUNDLED_SEGMENTER_FILE): Promise<Segmenter> {
  if (choice === 'classical') return classicalSegmenter;
  if (choice !== 'bundled') return modelSegmenter(choice, choice);
  if (!existsSync(bundledFile)) return { ...classicalSegmenter, fallback: 'no bundled segmentation model is installed' };
  try {
    return await modelSegmenter('bundled', bundledFile);
  } catch (error) {
    return { ...classicalSegmenter, fallback: `the bundled segmentation model could not be loaded (${(error as Error).message})` };
  }
}
