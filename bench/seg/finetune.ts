// `npm run bench:segmentation -- --finetune K[,K…]`: what fine-tuning the segmenter on a few
// corrected pages of a collection gives on the rest of it, as an archivist would do it. For
// each collection, K pages drawn by the seed are the "corrected pages"; the bundled model is
// fine-tuned on them through the app's own code (main/layout/seg-finetune.ts, which the
// project's segmenter job runs: the same page preparation, settings and training loop), on
// one thread, and then it and the bundled model score the collection's other pages with the
// same measures and post-processing as the rest of the bench (score-real.ts). The pages
// scored are the same for every K of a run and never include a page any K trained on.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readLayout } from '../../main/io/read-layout.ts';
import { finetuneSample, finetuneSegNet } from '../../main/layout/seg-finetune.ts';
import type { PostOptions } from '../../main/layout/seg-post.ts';
import { loadSegmenter, type Segmenter as SegModel } from '../../main/layout/seg-model-file.ts';
import { segmentWithModel } from '../../main/layout/seg-infer.ts';
import { SegNet } from '../../main/ml/seg-net.ts';
import { Rng } from '../../main/ml/random.ts';
import { initBackend } from '../../main/ml/backend.ts';
import { HELD_OUT_COLLECTIONS, listPages, loadPage, type PageEntry } from './real-pages.ts';
import { PROSE_TUNING_COLLECTIONS, upright } from '../seg-tuning-sets.ts';
import { emptyTotals, scoreCells, scoreReal, type RealTotals, type Segmenter } from './score-real.ts';

export interface FinetuneSplit<T> {
  /** The corrected pages for each K: the first K of one seeded shuffle, so a smaller K's pages are among a larger K's. */
  tune: Map<number, T[]>;
  /** The pages scored, the same for every K: the last pages of the shuffle, none of them any K's. */
  score: T[];
}

/**
 * Splits a collection for the K-page protocol. `scoreCount` caps the pages scored (to keep a
 * run's time down); they are taken from the end of the shuffle, away from every K's pages.
 */
export function finetuneSplit<T>(entries: T[], ks: number[], seed: number, scoreCount = Infinity): FinetuneSplit<T> {
  const maxK = Math.max(0, ...ks);
  if (ks.some((k) => !Number.isInteger(k) || k < 0)) throw new Error(`K must be whole numbers ≥ 0, not ${ks.join(',')}`);
  if (maxK >= entries.length) throw new Error(`K = ${maxK} leaves none of the ${entries.length} pages to score`);
  const order = new Rng(seed).shuffle([...entries]);
  const tune = new Map(ks.map((k) => [k, order.slice(0, k)]));
  const score = order.slice(Math.max(maxK, order.length - scoreCount));
  return { tune, score };
}

/** Pages whose layout can be read and has lines (a page without any cannot be corrected, nor scored). */
export function pagesWithLines(entries: PageEntry[]): PageEntry[] {
  return entries.filter((e) => {
    try {
      return readLayout(e.xml, readFileSync(e.xml, 'utf8')).regions.some((r) => r.lines.length > 0);
    } catch {
      return false;
    }
  });
}

export interface FinetuneRun {
  ks: number[];
  /** Steps at which the fine-tuned model is scored; the run trains to the largest (one schedule over it). */
  steps: number[];
  seed: number;
  scorePages?: number;
  learningRate?: number;
  crop?: number;
  model: string;
  post: Partial<PostOptions>;
  log: (line: string) => void;
}

export interface FinetuneRow {
  collection: string;
  k: number;
  steps: number;
  totals: RealTotals;
  bundled: RealTotals;
  cpuSeconds: number;
  wallSeconds: number;
}

/** A copy of a network's weights, so a model can be kept at a step while training goes on. */
function snapshot(net: SegNet): SegNet {
  const copy = new SegNet(net.config, 0);
  for (const [name, v] of net.weights) tf.tidy(() => copy.weights.get(name)!.assign(tf.tensor(v.dataSync(), v.shape)));
  return copy;
}

/** Fine-tunes the bundled model on `pages`; the network at each of `steps`, with the time taken (page preparation included, as in the job). */
async function finetune(pages: PageEntry[], o: FinetuneRun) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = loadSegmenter(o.model);
  const samples = [];
  for (const entry of pages) {
    const page = await loadPage(entry);
    if (page) samples.push(finetuneSample(page.image, page.lines, page.regions, model.header.pageSize));
  }
  const last = Math.max(...o.steps);
  // The model at each scored step, with the time taken to reach it.
  const kept = new Map<number, { net: SegNet; cpuSeconds: number; wallSeconds: number }>();
  const took = () => {
    const cpu = process.cpuUsage(cpu0);
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000 };
  };
  const losses = await finetuneSegNet(model.net, samples, {
    steps: last,
    learningRate: o.learningRate,
    crop: o.crop,
    threads: 1,
    onStep: (step, loss) => {
      if ((step + 1) % 10 === 0) o.log(`  step ${step + 1}/${last} loss ${loss.toFixed(3)}`);
      if (o.steps.includes(step + 1) && step + 1 !== last) kept.set(step + 1, { net: snapshot(model.net), ...took() });
    },
  });
  kept.set(last, { net: model.net, ...took() });
  return { kept, header: model.header, losses };
}

export async function finetuneCollection(collection: string, entries: PageEntry[], o: FinetuneRun): Promise<FinetuneRow[]> {
  const split = finetuneSplit(pagesWithLines(entries), o.ks, o.seed, o.scorePages);
  const bundled = loadSegmenter(o.model);
  const segment =
    (m: SegModel): Segmenter =>
    async (img) =>
      segmentWithModel(m, img, o.post).lines;
  const segmenters: Record<string, Segmenter> = { bundled: segment(bundled) };
  const runs: Array<{ k: number; steps: number; cpuSeconds: number; wallSeconds: number }> = [];
  for (const k of o.ks.filter((k) => k > 0)) {
    const names = split.tune.get(k)!.map((e) => basename(e.xml));
    o.log(`${collection}: fine-tuning on ${k} page(s), ${Math.max(...o.steps)} steps: ${names.join(', ')}`);
    const run = await finetune(split.tune.get(k)!, o);
    for (const [steps, { net, ...time }] of run.kept) {
      o.log(`  ${steps} steps: ${time.cpuSeconds.toFixed(0)} CPU s, ${time.wallSeconds.toFixed(0)} s wall`);
      segmenters[`${k}@${steps}`] = segment({ net, header: run.header });
      runs.push({ k, steps, ...time });
    }
  }
  const totals = await scoreReal(split.score, segmenters, (i) => {
    if ((i + 1) % 10 === 0 || i + 1 === split.score.length) o.log(`${collection}: scored ${i + 1}/${split.score.length}`);
  });
  const rows: FinetuneRow[] = [];
  if (o.ks.includes(0))
    rows.push({ collection, k: 0, steps: 0, totals: totals.bundled, bundled: totals.bundled, cpuSeconds: 0, wallSeconds: 0 });
  for (const r of runs.sort((a, b) => a.k - b.k || a.steps - b.steps))
    rows.push({ collection, ...r, totals: totals[`${r.k}@${r.steps}`] ?? emptyTotals(), bundled: totals.bundled });
  return rows;
}

export const FINETUNE_HEADER = [
  'collection',
  'K',
  'steps',
  'pages scored',
  'true lines',
  'recall',
  'precision',
  'mean IoU',
  'baseline R',
  'baseline P',
  'bundled recall',
  'bundled precision',
  'bundled mean IoU',
  'fine-tuning CPU s',
  'wall s',
];

export function finetuneRow(r: FinetuneRow): string[] {
  const t = r.totals;
  return [
    r.collection.split('+')[1] ?? r.collection,
    String(r.k),
    String(r.steps),
    String(t.pages),
    String(t.truth),
    ...scoreCells(t),
    ...scoreCells(r.bundled).slice(0, 3),
    r.cpuSeconds.toFixed(0),
    r.wallSeconds.toFixed(0),
  ];
}

/**
 * The bench's run: the held-out collections, or with `tuning: 'prose'` the prose tuning
 * collections (all their upright pages, not only the 40 the other benches draw). Settings
 * are chosen on the latter; the former are scored once with the settings chosen.
 */
export async function runFinetuneBench(o: Omit<FinetuneRun, 'log'> & { tuning?: string }) {
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  if (o.tuning !== undefined && o.tuning !== 'prose') throw new Error(`unknown tuning set '${o.tuning}' (known: prose)`);
  const collections = o.tuning === 'prose' ? PROSE_TUNING_COLLECTIONS : HELD_OUT_COLLECTIONS;
  await initBackend();
  const rows: string[][] = [];
  for (const collection of collections) {
    const all = listPages(collection);
    if (all.length === 0) throw new Error(`collection ${collection} has no pages with scans (checkout missing?)`);
    const entries = o.tuning === 'prose' ? await upright(all, log) : all;
    for (const r of await finetuneCollection(collection, entries, { ...o, log })) rows.push(finetuneRow(r));
  }
  return { header: FINETUNE_HEADER, rows };
}
