// `npm run bench:segmentation`: line segmentation on generated manuscript pages with known
// lines (bench/synth/page.ts): recall and precision of lines at IoU ≥ 0.5, skew error and
// time per page. `--write` also records the table in docs/results/segmentation.md.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { matchLines } from '../main/layout/line-metrics.ts';
import { segmentPage } from '../main/layout/segment.ts';
import { synthPage } from './synth/page.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '50' }, 'max-skew': { type: 'string', default: '2' }, write: { type: 'boolean', default: false } } });
const pages = Number(values.pages);
const totals = { truth: 0, found: 0, matched: 0, ms: 0, skewError: 0, worstSkew: 0 };
for (let seed = 1000; seed < 1000 + pages; seed++) {
  const page = synthPage(seed, { maxSkew: Number(values['max-skew']) });
  const t0 = performance.now();
  const result = segmentPage(page.image);
  totals.ms += performance.now() - t0;
  const m = matchLines(result.lines.map((l) => l.polygon), page.lines.map((l) => l.polygon));
  totals.truth += m.truth;
  totals.found += m.found;
  totals.matched += m.matched;
  const skewError = Math.abs(result.skewDegrees - page.skewDegrees);
  totals.skewError += skewError;
  totals.worstSkew = Math.max(totals.worstSkew, skewError);
}
const rows = [
  ['pages', String(pages)],
  ['true lines', String(totals.truth)],
  ['lines found', String(totals.found)],
  ['recall (IoU ≥ 0.5)', (totals.matched / totals.truth).toFixed(3)],
  ['precision (IoU ≥ 0.5)', (totals.matched / totals.found).toFixed(3)],
  ['mean / worst skew error', `${(totals.skewError / pages).toFixed(2)}° / ${totals.worstSkew.toFixed(2)}°`],
  ['time per page (1400 px wide)', `${(totals.ms / pages).toFixed(0)} ms`],
];
const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
console.log(table);
if (values.write) {
  writeFileSync('docs/results/segmentation.md', `# Line segmentation on generated pages

Command: \`npm run bench:segmentation -- --pages ${pages} --write\` (${new Date().toISOString().slice(0, 10)}, one core of the build machine).

Pages: ${pages} generated single-column manuscript pages (bench/synth/page.ts, seeds 1000–${999 + pages}),
8–20 handwritten lines each in the twelve generator hands, spacing from tight (ascenders
nearly touching the descenders above) to generous, indents, toned paper with noise, the
whole page turned by up to ±${values['max-skew']}°. A true line is the tight box around its ink, turned
with the page; a found line matches when the polygons' intersection over union is at least
0.5 (one-to-one, best pairs first).

${table}

The method (main/layout/segment.ts): Sauvola binarisation, skew from the sharpest sheared
projection profile, one band per peak of the profile smoothed over a line body, per band the
ink's vertical extent, the baseline at the bottom of the body and the horizontal extent of
the ink. It is meant for clean single-column pages; multi-column layouts, marginalia and
strongly curved lines need a trained segmenter (not part of Quire yet).
`);
}
