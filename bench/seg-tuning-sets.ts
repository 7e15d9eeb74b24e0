// The page sets a segmenter is scored on before the held-out pages, for
// bench/segmentation.ts and bench/seg-polygon-analysis.ts:
//  * `dev`: unseen pages of the training collections (`--dev N` per collection, chosen
//    against `--train-pages-per-collection`); half of its lines are table registers;
//  * `prose`: a fixed sample of two collections that no model trains on, letters and
//    literary manuscripts like the archives Quire serves (`--tuning prose`). They are for
//    tuning only: bench/seg/real-pages.ts does not list them among the training collections.
import sharp from 'sharp';
import { Rng } from '../main/ml/random.ts';
import { HELD_OUT_COLLECTIONS, TRAIN_COLLECTIONS, listPages, type PageEntry } from './seg/real-pages.ts';
import { tuningPages } from './seg/seg-data.ts';

/** Prose tuning collections (checkouts in scratch/real-src; sources in docs/results/segmentation.md). */
export const PROSE_TUNING_COLLECTIONS = ['FoNDUE-HTR+FONDUE-DE-MSS-18', 'HTR-School-Vienna+2025--early-modern-german'];
/** Pages drawn per prose collection, and the seed that draws them. */
export const PROSE_PAGES = 40;
const PROSE_SEED = 15;

export interface PageSet {
  collection: string;
  entries: PageEntry[];
}

/**
 * A scan whose EXIF orientation turns it a quarter turn (6, 8…) is stored sideways: its
 * layout's size is the turned image's, but the loader (real-pages.ts's loadPage) sizes the
 * page from the stored width and height, so such a page would be scored squashed. Those
 * pages are left out, each named on stderr.
 */
export async function upright(entries: PageEntry[], log: (line: string) => void): Promise<PageEntry[]> {
  const kept: PageEntry[] = [];
  for (const e of entries) {
    const { orientation = 1 } = await sharp(e.image).metadata();
    if (orientation >= 5) log(`skipped ${e.image}: EXIF orientation ${orientation} (stored a quarter turn from its layout)`);
    else kept.push(e);
  }
  return kept;
}

/** `count` pages drawn without replacement by a seeded shuffle, then put back in the collection's order. */
export function drawPages(entries: PageEntry[], count: number, seed: number): PageEntry[] {
  const order = new Rng(seed).shuffle(entries.map((_, i) => i));
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => entries[i]);
}

export async function proseTuningSet(perCollection = PROSE_PAGES, log = (line: string) => void process.stderr.write(`${line}\n`)) {
  const sets: PageSet[] = [];
  for (const collection of PROSE_TUNING_COLLECTIONS) {
    const all = listPages(collection);
    if (all.length === 0) throw new Error(`prose tuning collection ${collection} has no pages with scans (checkout missing?)`);
    sets.push({ collection, entries: drawPages(await upright(all, log), perCollection, PROSE_SEED) });
  }
  return sets;
}

export function devTuningSet(perCollection: number, trainPages: number): PageSet[] {
  return TRAIN_COLLECTIONS.map((collection) => ({ collection, entries: tuningPages(collection, perCollection, trainPages) }));
}

/** The pages to score: `--tuning prose`, else `--dev N`, else (neither) the held-out collections. */
export async function pageSets(o: { tuning?: string; dev: number; trainPages: number; limit?: number }): Promise<PageSet[]> {
  if (o.tuning === 'prose') return proseTuningSet();
  if (o.tuning) throw new Error(`unknown tuning set '${o.tuning}' (known: prose)`);
  if (o.dev > 0) return devTuningSet(o.dev, o.trainPages);
  return HELD_OUT_COLLECTIONS.map((collection) => ({ collection, entries: listPages(collection).slice(0, o.limit || undefined) }));
}
