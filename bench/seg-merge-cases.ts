// What the merges on the tuning pages are (bench/seg-polygon-analysis.ts counts them as the
// largest cause of lost lines): for each found line that carries two or more true lines side
// by side (their baselines along its baseline), what lies between each neighbouring pair —
// their horizontal gap and vertical step, their true region classes, the predicted region
// maps either side, the baseline map in the gap (one band or pieces joined), and how empty
// the line map's column profile is there. Reads the maps that seg-polygon-analysis.ts stored
// with --cache (tuning pages only; it refuses to compute anything else).
//
//   npx tsx bench/seg-merge-cases.ts --cache /tmp/prose.bin [--post '{…}'] [--list 20]
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { parseArgs } from 'node:util';
import type { Point } from '../main/io/layout.ts';
import { lineSpacing } from '../main/layout/baseline-metrics.ts';
import { matchPairs } from '../main/layout/line-metrics.ts';
import { layoutFromMaps } from '../main/layout/seg-infer.ts';
import { heightAt } from './seg-polygon-geometry.ts';
import type { StoredPage } from './seg/analysis-cache.ts';

const { values } = parseArgs({
  options: { cache: { type: 'string' }, post: { type: 'string', default: '{}' }, list: { type: 'string', default: '15' } },
});
const stored = (deserialize(readFileSync(values.cache!)) as { pages: StoredPage[] }).pages;
const xRange = (p: Point[]): [number, number] => [Math.min(...p.map((q) => q[0])), Math.max(...p.map((q) => q[0]))];

interface Gap {
  page: string;
  kind: string;
  gap: number;
  step: number;
  regions: string;
  predicted: string;
  baselineMin: number;
  profileMin: number;
  lengths: string;
  matched: string;
}
const gaps: Gap[] = [];
let mergedLines = 0;
let carriers = 0;
for (const page of stored) {
  const lines = layoutFromMaps(page.maps, page.width, page.height, JSON.parse(values.post!)).lines;
  const truth = page.truth.filter((t) => t.baseline && t.baseline.length > 1);
  const spacing = lineSpacing(truth.map((t) => t.baseline!));
  const pairs = matchPairs(
    lines.map((l) => l.polygon),
    truth.map((t) => t.polygon),
  );
  const matchedT = new Set(pairs.map((p) => p.t));
  const { maps } = page;
  const sx = maps.width / page.width;
  const sy = maps.height / page.height;
  const at = (m: Float32Array, x: number, y: number) =>
    m[Math.min(maps.height - 1, Math.max(0, Math.round(y * sy))) * maps.width + Math.min(maps.width - 1, Math.max(0, Math.round(x * sx)))];
  for (const f of lines) {
    const [f0, f1] = xRange(f.baseline);
    // True lines along this found baseline: at least half of their length over it, within a third of a spacing.
    const on = truth
      .map((t, i) => ({ t, i, r: xRange(t.baseline!) }))
      .filter(({ t, r }) => {
        const lo = Math.max(r[0], f0);
        const hi = Math.min(r[1], f1);
        if (hi - lo < 0.5 * (r[1] - r[0])) return false;
        return Math.abs(heightAt(t.baseline!, (lo + hi) / 2) - heightAt(f.baseline, (lo + hi) / 2)) < spacing / 3;
      })
      .sort((a, b) => a.r[0] - b.r[0]);
    if (on.length < 2) continue;
    carriers++;
    mergedLines += on.filter((o) => !matchedT.has(o.i)).length;
    for (let k = 1; k < on.length; k++) {
      const a = on[k - 1];
      const b = on[k];
      const g0 = a.r[1];
      const g1 = b.r[0];
      // Along the found baseline between the two true lines (or at their meeting point).
      const xs = g1 > g0 ? Array.from({ length: 9 }, (_, i) => g0 + ((i + 0.5) * (g1 - g0)) / 9) : [(g0 + g1) / 2];
      const baselineMin = Math.min(
        ...xs.map((x) => {
          const y = heightAt(f.baseline, x);
          return Math.max(...[-2, -1, 0, 1, 2].map((d) => at(maps.baseline, x, y + d / sy)));
        }),
      );
      // The line map's share of body in the third of a spacing above the baseline, lowest in the gap.
      const profileMin = Math.min(
        ...xs.map((x) => {
          const y = heightAt(f.baseline, x);
          let n = 0;
          for (let d = 1; d <= 8; d++) if (at(maps.line, x, y - (d * spacing) / 24) >= 0.35) n++;
          return n / 8;
        }),
      );
      const side = (r: [number, number]) => {
        const xm = (r[0] + r[1]) / 2;
        const y = heightAt(f.baseline, xm);
        const main = at(maps.main, xm, y);
        const margin = at(maps.margin, xm, y);
        return margin > 0.5 && margin > main ? 'margin' : main > 0.5 ? 'main' : 'other';
      };
      const ya = heightAt(a.t.baseline!, a.r[1]);
      const yb = heightAt(b.t.baseline!, b.r[0]);
      const gap = (g1 - g0) / spacing;
      const kind = gap > 0.3 ? 'apart' : gap > -0.3 ? 'touching' : 'overlapping';
      gaps.push({
        page: `${page.collection.split('+')[1]}/${page.image.split('/').pop()}`,
        kind,
        gap,
        step: (yb - ya) / spacing,
        regions: `${a.t.region ?? '?'}|${b.t.region ?? '?'}`,
        predicted: `${side(a.r)}|${side(b.r)}`,
        baselineMin,
        profileMin,
        lengths: `${((a.r[1] - a.r[0]) / spacing).toFixed(1)}|${((b.r[1] - b.r[0]) / spacing).toFixed(1)}`,
        matched: `${matchedT.has(a.i) ? 'M' : '-'}${matchedT.has(b.i) ? 'M' : '-'}`,
      });
    }
  }
}
const count = (key: (g: Gap) => string) => {
  const m = new Map<string, number>();
  for (const g of gaps) m.set(key(g), (m.get(key(g)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
};
console.log(
  `found lines carrying ≥ 2 true lines side by side: ${carriers}; their unmatched true lines: ${mergedLines}; neighbouring pairs: ${gaps.length}`,
);
console.log('by kind:', count((g) => g.kind).join(', '));
console.log('true regions:', count((g) => g.regions).join(', '));
console.log('predicted classes either side:', count((g) => g.predicted).join(', '));
console.log('class change predicted:', count((g) => String(g.predicted.split('|')[0] !== g.predicted.split('|')[1])).join(', '));
console.log(
  'baseline map min in gap:',
  count((g) => (g.baselineMin < 0.4 ? '<0.4 (joined pieces)' : g.baselineMin < 0.6 ? '0.4-0.6' : '≥0.6')).join(', '),
);
console.log(
  'line-body share min in gap:',
  count((g) => (g.profileMin <= 0.3 ? '≤0.3' : g.profileMin <= 0.6 ? '0.3-0.6' : '>0.6')).join(', '),
);
console.log(
  '|step| in spacings:',
  count((g) => (Math.abs(g.step) < 0.1 ? '<0.1' : Math.abs(g.step) < 0.25 ? '0.1-0.25' : '≥0.25')).join(', '),
);
console.log(
  'gap in spacings:',
  count((g) => (g.gap < -0.3 ? '<-0.3' : g.gap < 0.3 ? '-0.3..0.3' : g.gap < 1 ? '0.3-1' : g.gap < 2 ? '1-2' : '≥2')).join(', '),
);
console.log('pair matched (a|b):', count((g) => g.matched).join(', '));
console.log('\npage | kind | gap | step | true regions | predicted | baseline min | body min | lengths | matched');
for (const g of gaps.slice(0, Number(values.list)))
  console.log(
    [
      g.page,
      g.kind,
      g.gap.toFixed(2),
      g.step.toFixed(2),
      g.regions,
      g.predicted,
      g.baselineMin.toFixed(2),
      g.profileMin.toFixed(2),
      g.lengths,
      g.matched,
    ].join(' | '),
  );
