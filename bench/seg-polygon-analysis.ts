// Where line-polygon IoU is lost on the tuning pages (pages of the training collections
// that no model trained on, as `bench:segmentation --dev N`; never the held-out ones).
// The network runs once per page and its maps are kept (optionally in a --cache file), so
// several post-processing variants are scored on the same maps in one go: for each, the
// bench's table (recall / precision at IoU ≥ 0.5, mean IoU, cBAD-style baselines) and,
// with --analyse, how found polygons differ from the true ones around the true baseline.
//
//   npx tsx bench/seg-polygon-analysis.ts --dev 4 --train-pages-per-collection 80 \
//     --cache /tmp/seg-maps.bin --analyse --variant '{}' --variant '{"lineThreshold":0.3}'
//
// A copy of each page `--ink-size` pixels on its longer side is kept beside the maps, for
// variants that draw polygons from the ink ('{"inkPolygons":true}', seg-ink-polygon.ts);
// a variant's inkSize other than that is not honoured here (the bench's runs honour it).
// The stored maps carry the page at their size (SegMaps.image, the network's input), which
// the ink rules of the post-processing read (seg-gutter.ts); caches without it are rebuilt.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { parseArgs } from 'node:util';
import type { Point } from '../main/io/layout.ts';
import { lineSpacing, scoreBaselines } from '../main/layout/baseline-metrics.ts';
import { matchPairs, polygonIoU } from '../main/layout/line-metrics.ts';
import { DEFAULT_POLYGON, layoutFromMaps, predictMaps, shrinkTo } from '../main/layout/seg-infer.ts';
import type { StoredPage } from './seg/analysis-cache.ts';
import { loadPage } from './seg/real-pages.ts';
import { pageSets } from './seg-tuning-sets.ts';
import { REAL_HEADER, emptyTotals, realRow, type RealTotals } from './seg/score-real.ts';
import { emptyLossCounts, lossCategories, pairGeometry, quantiles, splitsAndMerges, type PairGeometry } from './seg-polygon-geometry.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resources/models/segmenter.qseg' },
    dev: { type: 'string', default: '4' },
    'train-pages-per-collection': { type: 'string', default: '80' },
    // 'prose': the prose tuning set (bench/seg-tuning-sets.ts) instead of --dev pages.
    tuning: { type: 'string' },
    cache: { type: 'string' },
    variant: { type: 'string', multiple: true },
    analyse: { type: 'boolean', default: false },
    // Only the pages of collections whose name holds this (e.g. to look at one collection).
    only: { type: 'string', default: '' },
    'ink-size': { type: 'string', default: String(DEFAULT_POLYGON.inkSize) },
  },
});

async function pages(): Promise<StoredPage[]> {
  const key = `4|${values.model}|${values['ink-size']}|${values.tuning ?? `${values.dev}|${values['train-pages-per-collection']}`}`;
  if (values.cache && existsSync(values.cache)) {
    const stored = deserialize(readFileSync(values.cache)) as { key: string; pages: StoredPage[] };
    if (stored.key === key) return stored.pages;
  }
  const { loadSegmenter } = await import('../main/layout/seg-model-file.ts');
  const { initBackend } = await import('../main/ml/backend.ts');
  await initBackend();
  const model = loadSegmenter(values.model);
  const out: StoredPage[] = [];
  // Never the held-out pages: a tuning set is required.
  if (!values.tuning && !(Number(values.dev) > 0)) throw new Error('give --tuning prose or --dev N (tuning pages only)');
  const sets = await pageSets({ tuning: values.tuning, dev: Number(values.dev), trainPages: Number(values['train-pages-per-collection']) });
  for (const { collection, entries } of sets) {
    for (const entry of entries) {
      const page = await loadPage(entry);
      if (!page) continue;
      const { width, height } = page.image;
      const maps = predictMaps(model, page.image);
      out.push({
        collection,
        image: entry.image,
        width,
        height,
        maps,
        ink: shrinkTo(page.image, Number(values['ink-size'])),
        truth: page.lines,
      });
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  if (values.cache) writeFileSync(values.cache, serialize({ key, pages: out }));
  return out;
}

const table = (rows: string[][]) =>
  [`| ${REAL_HEADER.join(' | ')} |`, `|${REAL_HEADER.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const stored = (await pages()).filter((p) => p.collection.includes(values.only));
for (const variant of values.variant ?? ['{}']) {
  const post = JSON.parse(variant);
  const totals = new Map<string, RealTotals>();
  const geometry: PairGeometry[] = [];
  const nearMisses: PairGeometry[] = [];
  const counts = { split: 0, mergedSideBySide: 0, mergedAcross: 0, unmatchedTruth: 0, unmatchedFound: 0, foundNoTruth: 0 };
  const losses = emptyLossCounts();
  // Unmatched true lines by cause and by their best IoU with any found line (taken by another or not).
  const nearest: Record<string, number[]> = {};
  for (const page of stored) {
    const t0 = performance.now();
    const lines = layoutFromMaps(page.maps, page.width, page.height, post, page.ink).lines;
    const ms = performance.now() - t0;
    const found = lines.map((l) => l.polygon);
    const truth = page.truth.map((l) => l.polygon);
    const pairs = matchPairs(found, truth);
    const b = scoreBaselines(
      lines.map((l) => l.baseline),
      page.truth.flatMap((l) => (l.baseline ? [l.baseline] : [])),
    );
    const t = totals.get(page.collection) ?? emptyTotals();
    totals.set(page.collection, t);
    t.pages++;
    t.truth += truth.length;
    t.found += found.length;
    t.matched += pairs.length;
    t.iouSum += pairs.reduce((s, p) => s + p.iou, 0);
    t.baselineTruth += b.truthPoints;
    t.baselineTruthCovered += b.truthCovered;
    t.baselineFound += b.foundPoints;
    t.baselineFoundCovered += b.foundCovered;
    t.ms += ms;
    if (!values.analyse) continue;
    const near = matchPairs(found, truth, 0.3).filter((p) => !pairs.some((q) => q.f === p.f || q.t === p.t));
    const withBaseline = (list: typeof pairs) => list.filter((p) => page.truth[p.t].baseline);
    const spacing = lineSpacing(page.truth.flatMap((l) => (l.baseline ? [l.baseline] : [])));
    const geo = (p: (typeof pairs)[number]) =>
      pairGeometry(lines[p.f], page.truth[p.t] as { polygon: Point[]; baseline: Point[] }, spacing, p.iou);
    geometry.push(...withBaseline(pairs).map(geo));
    nearMisses.push(...withBaseline(near).map(geo));
    const sm = splitsAndMerges(lines, page.truth);
    counts.split += sm.split;
    counts.mergedSideBySide += sm.mergedSideBySide;
    counts.mergedAcross += sm.mergedAcross;
    counts.foundNoTruth += sm.foundNoTruth;
    const causes = lossCategories(lines, page.truth, pairs, losses);
    for (const [t, cause] of causes) {
      const best = Math.max(0, ...found.map((f) => polygonIoU(f, truth[t], 60)));
      const bins = (nearest[cause] ??= [0, 0, 0, 0]);
      bins[best >= 0.5 ? 0 : best >= 0.3 ? 1 : best >= 0.1 ? 2 : 3]++;
    }
    counts.unmatchedTruth += truth.length - pairs.length;
    counts.unmatchedFound += found.length - pairs.length;
  }
  const rows = [...totals].map(([c, t]) => realRow(`trained, ${c.split('+')[1]}`, t));
  const all = [...totals.values()].reduce((a, t) => {
    for (const k of Object.keys(a) as Array<keyof RealTotals>) a[k] += t[k];
    return a;
  }, emptyTotals());
  rows.push(realRow('**trained, all tuning pages**', all));
  console.log(`\npost ${variant}\n\n${table(rows)}`);
  if (!values.analyse) continue;
  console.log(
    `\nunmatched true lines ${counts.unmatchedTruth}, unmatched found ${counts.unmatchedFound} (of which overlapping no true line: ${counts.foundNoTruth});`,
  );
  console.log(
    `true lines split into ≥ 2 found pieces: ${counts.split}; found lines spanning ≥ 2 true lines side by side: ${counts.mergedSideBySide}, one above the other: ${counts.mergedAcross}`,
  );
  console.log(`\nunmatched lines by cause: ${JSON.stringify(losses)}`);
  console.log('\nunmatched true lines by cause and best IoU with any found line (≥ 0.5 taken by another / 0.3–0.5 / 0.1–0.3 / < 0.1):');
  for (const [cause, bins] of Object.entries(nearest))
    console.log(`  ${cause.padEnd(16)} ${bins.map((n) => String(n).padStart(5)).join(' ')}`);
  for (const [name, list] of [
    ['matched (IoU ≥ 0.5)', geometry],
    ['near misses (IoU 0.3–0.5)', nearMisses],
  ] as const) {
    console.log(`\n${name}: ${list.length} pairs; quantiles 10/25/50/75/90 %, in true line spacings unless said`);
    const fields: Array<keyof PairGeometry> = [
      'iou',
      'trueUp',
      'foundUp',
      'trueDown',
      'foundDown',
      'upRatio',
      'downRatio',
      'leftShift',
      'rightShift',
      'baselineShift',
    ];
    for (const f of fields)
      console.log(
        `  ${f.padEnd(14)} ${quantiles(list.map((g) => g[f]))
          .map((v) => v.toFixed(2).padStart(6))
          .join(' ')}`,
      );
  }
}
